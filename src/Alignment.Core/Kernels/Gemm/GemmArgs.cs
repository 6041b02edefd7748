namespace Alignment.Kernels;

/// <summary>
/// One validated GEMM problem on pinned memory: C[m,n] (+)= op(A)[m,k] · op(B)[k,n], row-major,
/// with the same conventions as <see cref="Gemm"/>. With a <see cref="Bias"/> (only when not accumulating), C = bias +
/// op(A)·op(B), the bias row added to every row.
/// </summary>
internal readonly unsafe struct GemmArgs
{
    public GemmArgs(bool transA, bool transB, int m, int n, int k,
        float* a, nint lda, float* b, nint ldb, float* c, nint ldc, bool accumulate, float* bias = null)
    {
        TransA = transA;
        TransB = transB;
        M = m;
        N = n;
        K = k;
        A = a;
        Lda = lda;
        B = b;
        Ldb = ldb;
        C = c;
        Ldc = ldc;
        Accumulate = accumulate;
        Bias = bias;
    }

    public bool TransA { get; }

    public bool TransB { get; }

    public int M { get; }

    public int N { get; }

    public int K { get; }

    public float* A { get; }

    public nint Lda { get; }

    /// <summary>B's values; for <see cref="GemmBLayout.ColumnPanelsBFloat16"/>, the address of bfloat16 values.</summary>
    public float* B { get; }

    public nint Ldb { get; }

    public float* C { get; }

    public nint Ldc { get; }

    public bool Accumulate { get; }

    /// <summary>Row of n values that C starts from instead of zero (null: none); only set when not accumulating.</summary>
    public float* Bias { get; }

    /// <summary>The same problem with A replaced by a row-major [m,k] copy of op(A).</summary>
    public GemmArgs WithA(float* a, nint lda) => new(false, TransB, M, N, K, a, lda, B, Ldb, C, Ldc, Accumulate, Bias);

    /// <summary>
    /// For kernels without bias support: copies the bias into every row of C and returns the same problem accumulating
    /// into it (the same sums, in the same order, as the fused form).
    /// </summary>
    public GemmArgs WithBiasInC() => WithBiasInC(0, N);

    /// <summary>
    /// <see cref="WithBiasInC()"/> for columns <paramref name="j0"/>..<paramref name="j1"/> of C only, for a thread that
    /// computes just those: the bias goes into them, and the problem returned accumulates (into all of C, of which the
    /// caller computes those columns).
    /// </summary>
    public GemmArgs WithBiasInC(int j0, int j1)
    {
        for (int i = 0; i < M; i++)
        {
            new ReadOnlySpan<float>(Bias + j0, j1 - j0).CopyTo(new Span<float>(C + (i * Ldc) + j0, j1 - j0));
        }

        return new(TransA, TransB, M, N, K, A, Lda, B, Ldb, C, Ldc, accumulate: true);
    }
}
