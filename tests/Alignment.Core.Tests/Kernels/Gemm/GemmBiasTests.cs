using Alignment.Kernels;
using Alignment.Tests.Kernels.Reference;

namespace Alignment.Tests.Kernels;

public class GemmBiasTests
{
    private static readonly int[] Rows = [1, 7, 16, 17, 33, 129];
    private static readonly int[] Columns = [1, 7, 16, 33, 257];
    private static readonly int[] Depths = [0, 1, 7, 257, 300];

    public static TheoryData<bool, bool> TransCombos => new()
    {
        { false, false },
        { false, true },
        { true, false },
        { true, true },
    };

    [Theory]
    [MemberData(nameof(TransCombos))]
    public void MultiplyWithBias_AwkwardSizes_EqualsBiasFilledCPlusProductBitForBit(bool transA, bool transB)
    {
        foreach (int m in Rows)
        {
            foreach (int n in Columns)
            {
                foreach (int k in Depths)
                {
                    foreach (int threads in new[] { 1, 2 })
                    {
                        CheckAgainstTwoSteps(transA, transB, m, n, k, threads, Gemm.DefaultBackend);
                    }
                }
            }
        }
    }

    [Theory]
    [MemberData(nameof(TransCombos))]
    public void MultiplyWithBias_SplitAcrossThreads_EqualsBiasFilledCPlusProductBitForBit(bool transA, bool transB)
    {
        // Rows split over two K blocks; columns split across two NC-wide column blocks; the small-M path, in one chunk
        // per thread and in four (each thread fills its own columns with the bias).
        CheckAgainstTwoSteps(transA, transB, 601, 300, 270, 2, Gemm.DefaultBackend);
        CheckAgainstTwoSteps(transA, transB, 40, 4200, 260, 2, Gemm.DefaultBackend);
        CheckAgainstTwoSteps(transA, transB, 8, 1000, 300, 2, Gemm.DefaultBackend);
        CheckAgainstTwoSteps(transA, transB, 16, 4200, 300, 2, Gemm.DefaultBackend);
    }

    [Theory]
    [MemberData(nameof(TransCombos))]
    public void MultiplyWithBias_ScalarBackend_EqualsBiasFilledCPlusProductBitForBit(bool transA, bool transB)
    {
        CheckAgainstTwoSteps(transA, transB, 17, 33, 7, 1, GemmBackend.Scalar);
        CheckAgainstTwoSteps(transA, transB, 40, 70, 300, 2, GemmBackend.Scalar);
    }

    [Fact]
    public void MultiplyWithBias_KnownProduct_IsExact()
    {
        // [[1, 2], [3, 4]] · [[5, 6, 7], [8, 9, 10]] + [100, 200, 300]
        float[] a = [1, 2, 3, 4];
        float[] b = [5, 6, 7, 8, 9, 10];
        float[] bias = [100, 200, 300];
        float[] c = new float[6];
        Gemm.MultiplyWithBias(false, false, 2, 3, 2, a, 2, b, 3, bias, c, 3);
        Assert.Equal([121f, 224f, 327f, 147f, 254f, 361f], c);
    }

    [Fact]
    public void MultiplyWithBias_ShortBias_Throws()
    {
        float[] a = new float[12];
        float[] b = new float[12];
        float[] c = new float[9];
        Assert.Throws<ArgumentException>("bias", () => Gemm.MultiplyWithBias(false, false, 3, 3, 4, a, 4, b, 3, new float[2], c, 3));
    }

    // The fused form against filling every row of C with the bias and accumulating the product into it; the padding
    // between the rows of C must keep its values.
    private static void CheckAgainstTwoSteps(bool transA, bool transB, int m, int n, int k, int threads, GemmBackend backend)
    {
        int aRows = transA ? k : m, aCols = transA ? m : k;
        int bRows = transB ? n : k, bCols = transB ? k : n;
        int lda = aCols + 1, ldb = bCols + 2, ldc = n + 3;
        Random rng = new(HashCode.Combine(m, n, k, transA, transB));
        float[] a = TestData.Uniform(rng, Size(aRows, lda, aCols), -1, 1);
        float[] b = TestData.Uniform(rng, Size(bRows, ldb, bCols), -1, 1);
        float[] bias = TestData.Uniform(rng, n, -1, 1);
        float[] fused = TestData.Uniform(rng, Size(m, ldc, n) + 3, -1, 1);
        float[] expected = (float[])fused.Clone();
        for (int i = 0; i < m; i++)
        {
            bias.CopyTo(expected.AsSpan(i * ldc, n));
        }

        Gemm.Multiply(transA, transB, m, n, k, a, lda, b, ldb, expected, ldc, true, backend, threads);
        Gemm.MultiplyWithBias(transA, transB, m, n, k, a, lda, b, ldb, bias, fused, ldc, backend, threads);
        for (int i = 0; i < fused.Length; i++)
        {
            if (BitConverter.SingleToInt32Bits(fused[i]) != BitConverter.SingleToInt32Bits(expected[i]))
            {
                Assert.Fail($"{m}×{k}×{n} transA={transA} transB={transB} threads={threads} {backend}: element {i} (row {i / ldc}, column {i % ldc}) is {fused[i]}, expected {expected[i]}");
            }
        }
    }

    private static int Size(int rows, int ld, int cols) => rows == 0 || cols == 0 ? 0 : ((rows - 1) * ld) + cols;
}
