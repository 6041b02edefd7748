namespace Alignment.Kernels;

/// <summary>
/// Naive triple-loop GEMM with double accumulation: the ground truth the fast kernels are tested against.
/// Same contract as <see cref="Gemm"/>.
/// </summary>
internal static class GemmReference
{
    public static void Multiply(bool transA, bool transB, int m, int n, int k,
        ReadOnlySpan<float> a, int lda, ReadOnlySpan<float> b, int ldb, Span<float> c, int ldc, bool accumulate)
    {
        Gemm.Validate(transA, transB, m, n, k, a, lda, b, ldb, c, ldc);
        for (int i = 0; i < m; i++)
        {
            for (int j = 0; j < n; j++)
            {
                double sum = 0;
                for (int p = 0; p < k; p++)
                {
                    float av = transA ? a[(p * lda) + i] : a[(i * lda) + p];
                    float bv = transB ? b[(j * ldb) + p] : b[(p * ldb) + j];
                    sum += (double)av * bv;
                }

                int ci = (i * ldc) + j;
                c[ci] = accumulate ? (float)(c[ci] + sum) : (float)sum;
            }
        }
    }

    /// <summary>Batched reference: <paramref name="batchCount"/> independent <see cref="Multiply"/> calls.</summary>
    public static void MultiplyBatched(bool transA, bool transB, int m, int n, int k,
        ReadOnlySpan<float> a, int lda, long strideA, ReadOnlySpan<float> b, int ldb, long strideB,
        Span<float> c, int ldc, long strideC, int batchCount, bool accumulate)
    {
        Gemm.ValidateBatched(transA, transB, m, n, k, a, lda, strideA, b, ldb, strideB, c, ldc, strideC, batchCount);
        for (int batch = 0; batch < batchCount; batch++)
        {
            Multiply(transA, transB, m, n, k,
                Tail(a, batch * strideA), lda, Tail(b, batch * strideB), ldb, Tail(c, batch * strideC), ldc, accumulate);
        }
    }

    // An empty matrix may sit past the end of its span: slicing must not throw for it.
    private static ReadOnlySpan<float> Tail(ReadOnlySpan<float> span, long offset) =>
        offset < span.Length ? span[(int)offset..] : [];

    private static Span<float> Tail(Span<float> span, long offset) =>
        offset < span.Length ? span[(int)offset..] : [];
}
