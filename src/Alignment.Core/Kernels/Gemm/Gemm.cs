using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Alignment.Kernels;

/// <summary>
/// Single-precision matrix multiplication, row-major: C[m,n] (+)= op(A)[m,k] · op(B)[k,n].
/// <list type="bullet">
/// <item>transA = false: A is stored [m,k] with row stride lda; true: A is stored [k,m] and op(A) = Aᵀ.</item>
/// <item>transB = false: B is stored [k,n] with row stride ldb; true: B is stored [n,k] and op(B) = Bᵀ.</item>
/// <item>accumulate = false overwrites C (also when k = 0), true adds into it.</item>
/// </list>
/// C must not overlap A or B. Large products use a packed, cache-blocked kernel on all cores; products
/// with m ≤ 16 a streaming kernel that reads B once.
/// </summary>
internal static class Gemm
{
    /// <summary>Multiply-adds (m·n·k) below which a product runs on the calling thread only.</summary>
    internal const long ParallelWork = 1L << 20;

    /// <summary>The backend the public entry points use on this machine.</summary>
    public static GemmBackend DefaultBackend { get; } =
        Vector512.IsHardwareAccelerated && Avx512F.IsSupported && Fma.IsSupported ? GemmBackend.Vector512
        : Vector256.IsHardwareAccelerated && Avx2.IsSupported && Fma.IsSupported ? GemmBackend.Vector256
        : GemmBackend.Scalar;

    /// <summary>
    /// Whether <paramref name="backend"/> can run here. The Vector512 kernel is emulated (slowly, but exactly)
    /// where AVX-512 is missing; its packing and small-M code need AVX2 and FMA.
    /// </summary>
    public static bool IsSupported(GemmBackend backend) => backend switch
    {
        GemmBackend.Scalar => true,
        GemmBackend.Vector256 or GemmBackend.Vector512 => Avx2.IsSupported && Fma.IsSupported,
        _ => false,
    };

    /// <summary>C[m,n] (+)= op(A)[m,k] · op(B)[k,n]; see <see cref="Gemm"/> for the conventions.</summary>
    public static void Multiply(bool transA, bool transB, int m, int n, int k,
        ReadOnlySpan<float> a, int lda, ReadOnlySpan<float> b, int ldb, Span<float> c, int ldc, bool accumulate) =>
        Multiply(transA, transB, m, n, k, a, lda, b, ldb, c, ldc, accumulate, DefaultBackend, Environment.ProcessorCount);

    /// <summary>
    /// C[m,n] = bias + op(A)[m,k] · op(B)[k,n], the row <paramref name="bias"/> [n] added to every row: the same
    /// values as filling every row of C with the bias and multiplying with accumulate = true, without a separate pass.
    /// </summary>
    public static void MultiplyWithBias(bool transA, bool transB, int m, int n, int k,
        ReadOnlySpan<float> a, int lda, ReadOnlySpan<float> b, int ldb, ReadOnlySpan<float> bias, Span<float> c, int ldc) =>
        MultiplyWithBias(transA, transB, m, n, k, a, lda, b, ldb, bias, c, ldc, DefaultBackend, Environment.ProcessorCount);

    /// <summary>
    /// <paramref name="batchCount"/> independent products; matrix i of A, B and C starts at element
    /// i·strideA, i·strideB, i·strideC. Strides of 0 reuse one matrix (for C with accumulate = true this sums
    /// the products into it). Products are applied as if one after the other.
    /// </summary>
    public static void MultiplyBatched(bool transA, bool transB, int m, int n, int k,
        ReadOnlySpan<float> a, int lda, long strideA, ReadOnlySpan<float> b, int ldb, long strideB,
        Span<float> c, int ldc, long strideC, int batchCount, bool accumulate) =>
        MultiplyBatched(transA, transB, m, n, k, a, lda, strideA, b, ldb, strideB, c, ldc, strideC, batchCount,
            accumulate, DefaultBackend, Environment.ProcessorCount);

    /// <summary><see cref="Multiply(bool, bool, int, int, int, ReadOnlySpan{float}, int, ReadOnlySpan{float}, int, Span{float}, int, bool)"/> on a chosen backend and thread budget.</summary>
    internal static unsafe void Multiply(bool transA, bool transB, int m, int n, int k,
        ReadOnlySpan<float> a, int lda, ReadOnlySpan<float> b, int ldb, Span<float> c, int ldc, bool accumulate,
        GemmBackend backend, int threads)
    {
        Validate(transA, transB, m, n, k, a, lda, b, ldb, c, ldc);
        RequireSupported(backend);
        if (m == 0 || n == 0)
        {
            return;
        }

        fixed (float* pa = a, pb = b, pc = c)
        {
            Run(new GemmArgs(transA, transB, m, n, k, pa, lda, pb, ldb, pc, ldc, accumulate), backend, threads);
        }
    }

    /// <summary><see cref="MultiplyWithBias(bool, bool, int, int, int, ReadOnlySpan{float}, int, ReadOnlySpan{float}, int, ReadOnlySpan{float}, Span{float}, int)"/> on a chosen backend and thread budget.</summary>
    internal static unsafe void MultiplyWithBias(bool transA, bool transB, int m, int n, int k,
        ReadOnlySpan<float> a, int lda, ReadOnlySpan<float> b, int ldb, ReadOnlySpan<float> bias, Span<float> c, int ldc,
        GemmBackend backend, int threads)
    {
        Validate(transA, transB, m, n, k, a, lda, b, ldb, c, ldc);
        CheckLength(bias.Length, n, nameof(bias));

        RequireSupported(backend);
        if (m == 0 || n == 0)
        {
            return;
        }

        fixed (float* pa = a, pb = b, pc = c, pbias = bias)
        {
            Run(new GemmArgs(transA, transB, m, n, k, pa, lda, pb, ldb, pc, ldc, accumulate: false, pbias), backend, threads);
        }
    }

    /// <summary>
    /// C[m,n] = bias + A[m,k] · B for a B [k,n] given in the <see cref="GemmColumnPanels"/> layout
    /// (<see cref="GemmColumnPanels.Length"/>(k, n) floats), A row-major [m,k], C row-major [m,n]; an empty
    /// <paramref name="bias"/> adds none. Each C value is the sum of its k products in order, one fused multiply-add
    /// each, then the bias. Only for m ≤ <see cref="GemmSmallM.MaxRows"/>, on a machine with AVX2 and FMA.
    /// </summary>
    internal static void MultiplyColumnPanels(int m, int n, int k,
        ReadOnlySpan<float> a, ReadOnlySpan<float> packedB, ReadOnlySpan<float> bias, Span<float> c, int threads) =>
        MultiplyColumnPanels(m, n, k, a, packedB, bias, c, threads, GemmBLayout.ColumnPanels);

    /// <summary>
    /// The column-panels product with B's values stored as bfloat16 bit patterns (see
    /// <see cref="GemmColumnPanels.PackInOutBFloat16"/>): each is widened to float32 exactly as it is read, and the
    /// sums, in float32, are the ones the float32 layout gives for those widened values.
    /// </summary>
    internal static void MultiplyColumnPanels(int m, int n, int k,
        ReadOnlySpan<float> a, ReadOnlySpan<ushort> packedB, ReadOnlySpan<float> bias, Span<float> c, int threads) =>
        MultiplyColumnPanels(m, n, k, a, packedB, bias, c, threads, GemmBLayout.ColumnPanelsBFloat16);

    private static unsafe void MultiplyColumnPanels<T>(int m, int n, int k,
        ReadOnlySpan<float> a, ReadOnlySpan<T> packedB, ReadOnlySpan<float> bias, Span<float> c, int threads, GemmBLayout layout)
        where T : unmanaged
    {
        CheckDimensions(m, n, k);
        if (m > GemmSmallM.MaxRows)
        {
            throw new ArgumentOutOfRangeException(nameof(m), $"The column-panels product takes at most {GemmSmallM.MaxRows} rows, got {m}.");
        }

        RequireSupported(GemmBackend.Vector256);
        CheckLength(a.Length, (long)m * k, nameof(a));
        CheckLength(packedB.Length, GemmColumnPanels.Length(k, n), nameof(packedB));
        CheckLength(c.Length, (long)m * n, nameof(c));
        if (!bias.IsEmpty)
        {
            CheckLength(bias.Length, n, nameof(bias));
        }

        if (m == 0 || n == 0)
        {
            return;
        }

        fixed (float* pa = a, pc = c, pbias = bias)
        fixed (T* pb = packedB)
        {
            // GemmArgs carries B as float*; the layout tells the kernel what is stored there.
            var g = new GemmArgs(false, false, m, n, k, pa, k, (float*)pb, GemmColumnPanels.Width, pc, n, accumulate: false, bias.IsEmpty ? null : pbias);
            Run(g, GemmBackend.Vector256, threads, layout);
        }
    }

    /// <summary>The batched product on a chosen backend and thread budget.</summary>
    internal static unsafe void MultiplyBatched(bool transA, bool transB, int m, int n, int k,
        ReadOnlySpan<float> a, int lda, long strideA, ReadOnlySpan<float> b, int ldb, long strideB,
        Span<float> c, int ldc, long strideC, int batchCount, bool accumulate, GemmBackend backend, int threads)
    {
        ValidateBatched(transA, transB, m, n, k, a, lda, strideA, b, ldb, strideB, c, ldc, strideC, batchCount);
        RequireSupported(backend);
        if (batchCount == 0 || m == 0 || n == 0)
        {
            return;
        }

        fixed (float* pa = a, pb = b, pc = c)
        {
            var first = new GemmArgs(transA, transB, m, n, k, pa, lda, pb, ldb, pc, ldc, accumulate);
            // Whole products per thread when they are too small to split, or numerous enough to balance:
            // no fork per product and no operand packed twice.
            long work = (long)m * n * k;
            bool parallelBatches = threads > 1 && batchCount > 1
                && (work < ParallelWork || batchCount >= 2 * threads)
                && work * batchCount >= ParallelWork && OutputsDisjoint(m, n, ldc, strideC, batchCount);
            if (!parallelBatches)
            {
                RunBatches(first, strideA, strideB, strideC, 0, batchCount, backend, threads);
                return;
            }

            int chunks = Math.Min(threads, batchCount);
            WorkerTeam.Shared.For(chunks, t =>
            {
                (int start, int end) = GemmPartition.Range(batchCount, chunks, t);
                RunBatches(first, strideA, strideB, strideC, start, end, backend, 1);
            });
        }
    }

    /// <summary>Checks dimensions, leading dimensions and span lengths of one product.</summary>
    internal static void Validate(bool transA, bool transB, int m, int n, int k,
        ReadOnlySpan<float> a, int lda, ReadOnlySpan<float> b, int ldb, ReadOnlySpan<float> c, int ldc)
    {
        CheckDimensions(m, n, k);
        CheckMatrix(a.Length, 0, 1, transA ? k : m, transA ? m : k, lda, nameof(a), nameof(lda));
        CheckMatrix(b.Length, 0, 1, transB ? n : k, transB ? k : n, ldb, nameof(b), nameof(ldb));
        CheckMatrix(c.Length, 0, 1, m, n, ldc, nameof(c), nameof(ldc));
    }

    /// <summary>Checks dimensions, leading dimensions, strides and span lengths of a batched product.</summary>
    internal static void ValidateBatched(bool transA, bool transB, int m, int n, int k,
        ReadOnlySpan<float> a, int lda, long strideA, ReadOnlySpan<float> b, int ldb, long strideB,
        ReadOnlySpan<float> c, int ldc, long strideC, int batchCount)
    {
        CheckDimensions(m, n, k);
        if (batchCount < 0)
        {
            GemmThrow.Negative(nameof(batchCount));
        }

        if (strideA < 0)
        {
            GemmThrow.Negative(nameof(strideA));
        }

        if (strideB < 0)
        {
            GemmThrow.Negative(nameof(strideB));
        }

        if (strideC < 0)
        {
            GemmThrow.Negative(nameof(strideC));
        }

        CheckMatrix(a.Length, strideA, batchCount, transA ? k : m, transA ? m : k, lda, nameof(a), nameof(lda));
        CheckMatrix(b.Length, strideB, batchCount, transB ? n : k, transB ? k : n, ldb, nameof(b), nameof(ldb));
        CheckMatrix(c.Length, strideC, batchCount, m, n, ldc, nameof(c), nameof(ldc));
    }

    private static void CheckLength(int length, long required, string name)
    {
        if (length < required)
        {
            GemmThrow.TooShort(name, required);
        }
    }

    private static void CheckDimensions(int m, int n, int k)
    {
        if (m < 0)
        {
            GemmThrow.Negative(nameof(m));
        }

        if (n < 0)
        {
            GemmThrow.Negative(nameof(n));
        }

        if (k < 0)
        {
            GemmThrow.Negative(nameof(k));
        }
    }

    // A stored rows×cols matrix (count of them, stride apart) with row stride ld must fit in length elements.
    private static void CheckMatrix(int length, long stride, int count, int rows, int cols, int ld, string name, string ldName)
    {
        if (ld < 0 || ld < cols)
        {
            GemmThrow.LeadingDimension(ldName, cols);
        }

        if (rows == 0 || cols == 0 || count == 0)
        {
            return;
        }

        long required = ((count - 1) * stride) + ((long)(rows - 1) * ld) + cols;
        if (length < required)
        {
            GemmThrow.TooShort(name, required);
        }
    }

    private static void RequireSupported(GemmBackend backend)
    {
        if (!IsSupported(backend))
        {
            GemmThrow.Unsupported(backend);
        }
    }

    // Whether the C matrices of a batch are provably disjoint, so batches may run concurrently:
    // either one after the other in memory, or side by side within the rows (e.g. attention heads).
    private static bool OutputsDisjoint(int m, int n, int ldc, long strideC, int batchCount)
    {
        long extent = ((long)(m - 1) * ldc) + n;
        return strideC >= extent || (strideC >= n && ((batchCount - 1) * strideC) + n <= ldc);
    }

    private static unsafe void RunBatches(in GemmArgs first, long strideA, long strideB, long strideC,
        int start, int end, GemmBackend backend, int threads)
    {
        for (int i = start; i < end; i++)
        {
            var args = new GemmArgs(first.TransA, first.TransB, first.M, first.N, first.K,
                first.A + (i * strideA), first.Lda, first.B + (i * strideB), first.Ldb,
                first.C + (i * strideC), first.Ldc, first.Accumulate);
            Run(args, backend, threads);
        }
    }

    // layout: how B is stored; the column-panels layouts only with op(B) = B, m ≤ GemmSmallM.MaxRows and a vector backend
    // (the callers ensure it).
    private static unsafe void Run(in GemmArgs problem, GemmBackend backend, int threads, GemmBLayout layout = GemmBLayout.Plain)
    {
        // The packed kernels add a bias as they store, and the small-m ones fill each thread's columns of C with it
        // (GemmSmallM); the others start from a C filled with it.
        GemmArgs g = problem.Bias != null && (problem.K == 0 || backend == GemmBackend.Scalar)
            ? problem.WithBiasInC()
            : problem;
        if (g.K == 0)
        {
            if (!g.Accumulate)
            {
                for (int i = 0; i < g.M; i++)
                {
                    new Span<float>(g.C + (i * g.Ldc), g.N).Clear();
                }
            }

            return;
        }

        if (backend == GemmBackend.Scalar)
        {
            GemmScalar.Run(g);
            return;
        }

        int useThreads = (long)g.M * g.N * g.K >= ParallelWork ? threads : 1;
        if (g.M <= GemmSmallM.MaxRows)
        {
            GemmSmallM.Run(g, useThreads, layout);
        }
        else if (backend == GemmBackend.Vector512)
        {
            GemmBlocked<GemmKernel8x32>.Run(g, useThreads);
        }
        else
        {
            GemmBlocked<GemmKernel6x16>.Run(g, useThreads);
        }
    }
}
