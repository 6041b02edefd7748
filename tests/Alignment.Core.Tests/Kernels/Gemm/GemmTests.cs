using Alignment.Kernels;

namespace Alignment.Tests.Kernels;

public class GemmTests
{
    private static readonly int[] SmallRows = [1, 3, 4, 7, 8, 13, 16];
    private static readonly int[] BlockedRows = [17, 33, 129];
    private static readonly int[] Columns = [1, 7, 33, 129, 257];
    private static readonly int[] Depths = [1, 7, 33, 257];

    public static TheoryData<bool, bool> TransCombos => new()
    {
        { false, false },
        { false, true },
        { true, false },
        { true, true },
    };

    public static TheoryData<int, int, int> WideShapes => new()
    {
        { 1, 7, 33 },
        { 8, 300, 129 },
        { 16, 257, 7 },
        { 17, 129, 33 },
        { 33, 7, 257 },
        { 129, 33, 1 },
        { 40, 70, 300 },
    };

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Multiply_NnAwkwardSizes_MatchesReference(bool accumulate) => CheckAwkwardSizes(false, false, accumulate);

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Multiply_NtAwkwardSizes_MatchesReference(bool accumulate) => CheckAwkwardSizes(false, true, accumulate);

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Multiply_TnAwkwardSizes_MatchesReference(bool accumulate) => CheckAwkwardSizes(true, false, accumulate);

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Multiply_TtAwkwardSizes_MatchesReference(bool accumulate) => CheckAwkwardSizes(true, true, accumulate);

    [Theory]
    [MemberData(nameof(TransCombos))]
    public void Multiply_LargeParallelSeveralKBlocks_MatchesReference(bool transA, bool transB)
    {
        // 300×700×290: above the parallel threshold, two K blocks, several MC blocks per thread.
        Check(new Case(transA, transB, 300, 700, 290) { Accumulate = true, Pad = 3 });
    }

    [Theory]
    [MemberData(nameof(TransCombos))]
    public void Multiply_SmallMParallel_MatchesReference(bool transA, bool transB)
    {
        // m ≤ 16 path split across threads, with a k that is not a multiple of the block depth or vector width.
        Check(new Case(transA, transB, 8, 1000, 300) { Pad = 5 });
        Check(new Case(transA, transB, 13, 530, 257) { Accumulate = true });
    }

    [Theory]
    [MemberData(nameof(TransCombos))]
    public void Multiply_SmallMSeveralColumnChunks_MatchesReference(bool transA, bool transB)
    {
        // m ≤ 16 on one thread: several C column chunks, odd rows, a k that is not a multiple of 4;
        // then a k of three blocks with a short last one.
        foreach (int m in new[] { 1, 2, 5, 8, 16 })
        {
            Check(new Case(transA, transB, m, 1100, 39) { Threads = 1, Accumulate = m % 2 == 0, Pad = m % 3 });
            Check(new Case(transA, transB, m, 1300, 150) { Threads = 1, Accumulate = m % 2 == 1, Pad = 1 });
        }
    }

    [Theory]
    [MemberData(nameof(TransCombos))]
    public void Multiply_SeveralNBlocksSingleThread_MatchesReference(bool transA, bool transB)
    {
        Check(new Case(transA, transB, 20, 4200, 9) { Threads = 1, Accumulate = true });
    }

    [Theory]
    [MemberData(nameof(TransCombos))]
    public void Multiply_SplitAcrossThreads_MatchesReferenceAndOneThreadBitForBit(bool transA, bool transB)
    {
        // More rows than columns, cut by rows (601: a cut inside an MC-tall block, a partial last panel) over two
        // K blocks; more columns than rows, cut by columns (4200 and 5000: cuts inside NC-wide blocks, a partial
        // last panel).
        foreach (var t in new[]
        {
            new Case(transA, transB, 601, 300, 270) { Accumulate = true, Pad = 2 },
            new Case(transA, transB, 40, 4200, 260) { Accumulate = true, Pad = 1 },
            new Case(transA, transB, 20, 5000, 40),
        })
        {
            Check(t);
            float[] split = Product(t);
            float[] single = Product(t with { Threads = 1 });
            Assert.Equal(single, split);
        }
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void Multiply_AnyThreadCount_MatchesReference(int threads)
    {
        Check(new Case(false, false, 131, 97, 100) { Threads = threads });
        Check(new Case(false, true, 61, 257, 70) { Threads = threads });
        Check(new Case(true, false, 5, 1111, 190) { Threads = threads });
    }

    [Theory]
    [MemberData(nameof(WideShapes))]
    public void Multiply_ScalarBackend_MatchesReference(int m, int n, int k) =>
        CheckAllTrans(m, n, k, GemmBackend.Scalar);

    [Theory]
    [MemberData(nameof(WideShapes))]
    public void Multiply_Vector512Backend_MatchesReference(int m, int n, int k)
    {
        // Emulated on machines without AVX-512: still exact, only slow.
        if (Gemm.IsSupported(GemmBackend.Vector512))
        {
            CheckAllTrans(m, n, k, GemmBackend.Vector512);
        }
    }

    [Theory]
    [MemberData(nameof(TransCombos))]
    public void Multiply_ZeroDepth_ClearsOrKeepsC(bool transA, bool transB)
    {
        float[] c = [1, 2, 3, 4, 5, 6];
        Gemm.Multiply(transA, transB, 2, 3, 0, [], 2, [], 3, c, 3, accumulate: true);
        Assert.Equal([1f, 2, 3, 4, 5, 6], c);
        Gemm.Multiply(transA, transB, 2, 2, 0, [], 2, [], 2, c, 3, accumulate: false);
        Assert.Equal([0f, 0, 3, 0, 0, 6], c);
    }

    [Fact]
    public void Multiply_EmptyOutput_DoesNothing()
    {
        float[] a = [1, 2, 3];
        Gemm.Multiply(false, false, 0, 5, 3, [], 3, new float[15], 5, [], 5, accumulate: false);
        Gemm.Multiply(false, false, 1, 0, 3, a, 3, [], 0, [], 0, accumulate: false);
    }

    [Fact]
    public void Multiply_KnownProduct_IsExact()
    {
        // [[1,2],[3,4]] · [[5,6],[7,8]] = [[19,22],[43,50]]
        float[] c = new float[4];
        Gemm.Multiply(false, false, 2, 2, 2, [1, 2, 3, 4], 2, [5, 6, 7, 8], 2, c, 2, accumulate: false);
        Assert.Equal([19f, 22, 43, 50], c);
        Gemm.Multiply(true, true, 2, 2, 2, [1, 3, 2, 4], 2, [5, 7, 6, 8], 2, c, 2, accumulate: true);
        Assert.Equal([38f, 44, 86, 100], c);
    }

    [Theory]
    [MemberData(nameof(TransCombos))]
    public void MultiplyBatched_SmallProducts_MatchReference(bool transA, bool transB)
    {
        // Small products, many batches: run in parallel over batches.
        CheckBatched(transA, transB, 17, 33, 40, batchCount: 37, accumulate: false);
        CheckBatched(transA, transB, 5, 9, 7, batchCount: 3, accumulate: true);
    }

    [Theory]
    [InlineData(3)]
    [InlineData(5)]
    public void MultiplyBatched_LargeProducts_MatchReference(int batchCount) =>
        CheckBatched(false, true, 70, 90, 200, batchCount, accumulate: true);

    [Fact]
    public void MultiplyBatched_SharedOutputWithAccumulate_SumsProducts()
    {
        // strideC = 0: every product is added into the same C (e.g. a weight gradient over a batch).
        const int m = 19, n = 21, k = 30, batches = 40;
        Random rng = new(11);
        float[] a = Fill(rng, batches * m * k);
        float[] b = Fill(rng, batches * k * n);
        float[] c = Fill(rng, m * n);
        float[] expected = (float[])c.Clone();
        GemmReference.MultiplyBatched(false, false, m, n, k, a, k, m * k, b, n, k * n, expected, n, 0, batches, true);
        Gemm.MultiplyBatched(false, false, m, n, k, a, k, m * k, b, n, k * n, c, n, 0, batches, true);
        AssertClose(expected, c, 1e-4f * k * batches);
    }

    [Fact]
    public void MultiplyBatched_HeadsInterleavedInRows_MatchesReference()
    {
        // Attention-style output layout: head h writes columns h·d..h·d+d of a [t, heads·d] matrix.
        const int t = 23, d = 16, heads = 12;
        Random rng = new(5);
        float[] q = Fill(rng, heads * t * t);
        float[] v = Fill(rng, heads * t * d);
        float[] c = Fill(rng, t * heads * d);
        float[] expected = (float[])c.Clone();
        GemmReference.MultiplyBatched(false, false, t, d, t, q, t, t * t, v, d, t * d, expected, heads * d, d, heads, false);
        Gemm.MultiplyBatched(false, false, t, d, t, q, t, t * t, v, d, t * d, c, heads * d, d, heads, false);
        AssertClose(expected, c, 1e-4f * t);
    }

    [Fact]
    public void Multiply_InvalidArguments_Throw()
    {
        float[] a = new float[12];
        float[] b = new float[12];
        float[] c = new float[12];
        Assert.Throws<ArgumentOutOfRangeException>(() => Gemm.Multiply(false, false, -1, 3, 4, a, 4, b, 3, c, 3, false));
        Assert.Throws<ArgumentOutOfRangeException>(() => Gemm.Multiply(false, false, 3, -1, 4, a, 4, b, 3, c, 3, false));
        Assert.Throws<ArgumentOutOfRangeException>(() => Gemm.Multiply(false, false, 3, 3, -4, a, 4, b, 3, c, 3, false));
        Assert.Throws<ArgumentException>("lda", () => Gemm.Multiply(false, false, 3, 3, 4, a, 3, b, 3, c, 3, false));
        Assert.Throws<ArgumentException>("lda", () => Gemm.Multiply(true, false, 3, 3, 4, a, 2, b, 3, c, 3, false));
        Assert.Throws<ArgumentException>("ldb", () => Gemm.Multiply(false, false, 3, 3, 4, a, 4, b, 2, c, 3, false));
        Assert.Throws<ArgumentException>("ldb", () => Gemm.Multiply(false, true, 3, 3, 4, a, 4, b, 3, c, 3, false));
        Assert.Throws<ArgumentException>("ldc", () => Gemm.Multiply(false, false, 3, 3, 4, a, 4, b, 3, c, 2, false));
        Assert.Throws<ArgumentException>("a", () => Gemm.Multiply(false, false, 3, 3, 4, a.AsSpan(1), 4, b, 3, c, 3, false));
        Assert.Throws<ArgumentException>("b", () => Gemm.Multiply(false, false, 3, 3, 4, a, 4, b, 4, c, 3, false));
        Assert.Throws<ArgumentException>("c", () => Gemm.Multiply(false, false, 3, 3, 4, a, 4, b, 3, c, 5, false));
        Assert.Throws<ArgumentException>("c", () => Gemm.Multiply(false, false, 3, 3, 4, a, 4, b, 3, c.AsSpan(4), 3, false));
    }

    [Fact]
    public void MultiplyBatched_InvalidArguments_Throw()
    {
        float[] a = new float[24];
        float[] b = new float[24];
        float[] c = new float[24];
        Assert.Throws<ArgumentOutOfRangeException>(() => Gemm.MultiplyBatched(false, false, 2, 3, 4, a, 4, 8, b, 3, 12, c, 3, 6, -1, false));
        Assert.Throws<ArgumentOutOfRangeException>(() => Gemm.MultiplyBatched(false, false, 2, 3, 4, a, 4, -8, b, 3, 12, c, 3, 6, 2, false));
        Assert.Throws<ArgumentOutOfRangeException>(() => Gemm.MultiplyBatched(false, false, 2, 3, 4, a, 4, 8, b, 3, -1, c, 3, 6, 2, false));
        Assert.Throws<ArgumentOutOfRangeException>(() => Gemm.MultiplyBatched(false, false, 2, 3, 4, a, 4, 8, b, 3, 12, c, 3, -6, 2, false));
        Assert.Throws<ArgumentException>("a", () => Gemm.MultiplyBatched(false, false, 2, 3, 4, a, 4, 17, b, 3, 12, c, 3, 6, 2, false));
        Assert.Throws<ArgumentException>("b", () => Gemm.MultiplyBatched(false, false, 2, 3, 4, a, 4, 8, b, 3, 13, c, 3, 6, 2, false));
        Assert.Throws<ArgumentException>("c", () => Gemm.MultiplyBatched(false, false, 2, 3, 4, a, 4, 8, b, 3, 12, c, 3, 19, 2, false));
        Assert.Throws<ArgumentException>("ldc", () => Gemm.MultiplyBatched(false, false, 2, 3, 4, a, 4, 8, b, 3, 12, c, 2, 6, 2, false));

        // Nothing to read or write: no length requirement.
        Gemm.MultiplyBatched(false, false, 2, 3, 4, a, 4, 1000, b, 3, 1000, c, 3, 1000, 0, false);
    }

    private static void CheckAwkwardSizes(bool transA, bool transB, bool accumulate)
    {
        int pad = 0;
        foreach (int m in SmallRows.Concat(BlockedRows))
        {
            foreach (int n in Columns)
            {
                foreach (int k in Depths)
                {
                    // Cap the cost of the reference; the large cases have their own tests.
                    if ((long)m * n * k > 2_000_000)
                    {
                        continue;
                    }

                    pad = (pad + 1) % 4;
                    Check(new Case(transA, transB, m, n, k) { Accumulate = accumulate, Pad = pad });
                }
            }
        }
    }

    private static void CheckAllTrans(int m, int n, int k, GemmBackend backend)
    {
        foreach (bool transA in new[] { false, true })
        {
            foreach (bool transB in new[] { false, true })
            {
                Check(new Case(transA, transB, m, n, k) { Backend = backend, Pad = 1 });
                Check(new Case(transA, transB, m, n, k) { Backend = backend, Accumulate = true, Threads = 1 });
            }
        }
    }

    private static void Check(Case t)
    {
        // Stored shapes (before op) with leading dimensions padded by t.Pad.
        int aRows = t.TransA ? t.K : t.M, aCols = t.TransA ? t.M : t.K;
        int bRows = t.TransB ? t.N : t.K, bCols = t.TransB ? t.K : t.N;
        int lda = aCols + t.Pad, ldb = bCols + (2 * t.Pad), ldc = t.N + t.Pad;
        Random rng = new(HashCode.Combine(t.M, t.N, t.K, t.TransA, t.TransB, t.Pad));
        float[] a = Fill(rng, Size(aRows, lda, aCols));
        float[] b = Fill(rng, Size(bRows, ldb, bCols));
        float[] c = Fill(rng, Size(t.M, ldc, t.N) + t.Pad);
        float[] expected = (float[])c.Clone();

        Gemm.Multiply(t.TransA, t.TransB, t.M, t.N, t.K, a, lda, b, ldb, c, ldc, t.Accumulate, t.Backend, t.Threads);
        GemmReference.Multiply(t.TransA, t.TransB, t.M, t.N, t.K, a, lda, b, ldb, expected, ldc, t.Accumulate);

        // Error bound per element: relative to Σ|a||b| (+ |c| when accumulating).
        float[] absA = Array.ConvertAll(a, MathF.Abs);
        float[] absB = Array.ConvertAll(b, MathF.Abs);
        float[] bound = new float[c.Length];
        GemmReference.Multiply(t.TransA, t.TransB, t.M, t.N, t.K, absA, lda, absB, ldb, bound, ldc, false);
        for (int i = 0; i < c.Length; i++)
        {
            int row = i / ldc, col = i % ldc;
            bool inside = row < t.M && col < t.N;
            float tolerance = inside ? (1e-4f * (bound[i] + (t.Accumulate ? MathF.Abs(expected[i]) : 0f))) + 1e-6f : 0f;
            if (!(MathF.Abs(c[i] - expected[i]) <= tolerance))
            {
                Assert.Fail($"{t}: C[{row},{col}] = {c[i]}, expected {expected[i]} (tolerance {tolerance})");
            }
        }
    }

    // C after the product of case t on fixed random inputs.
    private static float[] Product(Case t)
    {
        int aRows = t.TransA ? t.K : t.M, aCols = t.TransA ? t.M : t.K;
        int bRows = t.TransB ? t.N : t.K, bCols = t.TransB ? t.K : t.N;
        int lda = aCols + t.Pad, ldb = bCols + t.Pad, ldc = t.N + t.Pad;
        Random rng = new(17);
        float[] a = Fill(rng, Size(aRows, lda, aCols));
        float[] b = Fill(rng, Size(bRows, ldb, bCols));
        float[] c = Fill(rng, Size(t.M, ldc, t.N));
        Gemm.Multiply(t.TransA, t.TransB, t.M, t.N, t.K, a, lda, b, ldb, c, ldc, t.Accumulate, t.Backend, t.Threads);
        return c;
    }

    private static void CheckBatched(bool transA, bool transB, int m, int n, int k, int batchCount, bool accumulate)
    {
        int aRows = transA ? k : m, aCols = transA ? m : k;
        int bRows = transB ? n : k, bCols = transB ? k : n;
        int lda = aCols + 1, ldb = bCols + 2, ldc = n + 3;
        long strideA = (aRows * lda) + 5, strideB = (bRows * ldb) + 1, strideC = (m * ldc) + 2;
        Random rng = new(HashCode.Combine(m, n, k, transA, transB, batchCount));
        float[] a = Fill(rng, (int)(strideA * batchCount));
        float[] b = Fill(rng, (int)(strideB * batchCount));
        float[] c = Fill(rng, (int)(strideC * batchCount));
        float[] expected = (float[])c.Clone();
        Gemm.MultiplyBatched(transA, transB, m, n, k, a, lda, strideA, b, ldb, strideB, c, ldc, strideC, batchCount, accumulate);
        GemmReference.MultiplyBatched(transA, transB, m, n, k, a, lda, strideA, b, ldb, strideB, expected, ldc, strideC,
            batchCount, accumulate);
        AssertClose(expected, c, 1e-4f * (k + 1));
    }

    private static void AssertClose(float[] expected, float[] actual, float tolerance)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
        {
            if (!(MathF.Abs(expected[i] - actual[i]) <= tolerance))
            {
                Assert.Fail($"element {i}: {actual[i]}, expected {expected[i]} (tolerance {tolerance})");
            }
        }
    }

    private static int Size(int rows, int ld, int cols) => rows == 0 || cols == 0 ? 0 : ((rows - 1) * ld) + cols;

    private static float[] Fill(Random rng, int length)
    {
        float[] values = new float[length];
        for (int i = 0; i < length; i++)
        {
            values[i] = (float)((rng.NextDouble() * 2) - 1);
        }

        return values;
    }

    private sealed record Case(bool TransA, bool TransB, int M, int N, int K)
    {
        public bool Accumulate { get; init; }

        public int Pad { get; init; }

        public int Threads { get; init; } = Environment.ProcessorCount;

        public GemmBackend Backend { get; init; } = Gemm.DefaultBackend;
    }
}
