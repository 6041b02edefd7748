using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Alignment.Kernels;

/// <summary>
/// The op(B) = Bᵀ half of <see cref="GemmSmallM"/>: B is [n,k] in float32 rows <see cref="GemmArgs.Ldb"/> apart, so
/// each C entry is a dot product of two rows. Rows of B are streamed once, in order, three at a time, with software
/// prefetch 16 KiB ahead; the few rows of A stay in cache. The kernels below take where a triple's rows and next
/// segments of eight lie as two distances.
/// </summary>
internal static unsafe class GemmSmallMDot
{
    // How far ahead of the current position the streamed B rows are prefetched (16 KiB; see ThreeStreams): with rows
    // laid out one after another this reaches the triples that come next. A constant so that it
    // folds into the addressing mode and costs no register.
    private const int PrefetchBytes = 16384;

    /// <summary>C[0..m, j0..j1] (+)= A · B[j0..j1, :]ᵀ with A row-major [m,k] and B in float32 rows Ldb apart.</summary>
    public static void RunRange(in GemmArgs g, int j0, int j1)
    {
        // Rows with no gap between them: a triple is one block of memory, read in several passes.
        if (GemmSmallM.Passes(g.M) > 1 && g.Ldb == g.K)
        {
            RunRange<SpreadStream>(g, j0, j1);
        }
        else
        {
            RunRange<ThreeStreams>(g, j0, j1);
        }
    }

    // How a triple of B rows is prefetched.
    private interface IStreams
    {
        // Ahead of the segments at offset q of the three rows b0, b1, b2.
        // pf is the spread stream's own address (see SpreadStream); the others ignore it.
        static abstract void Prefetch(float* b0, float* b1, float* b2, nint q, byte* pf);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void RunRange<TStreams>(in GemmArgs g, int j0, int j1)
        where TStreams : IStreams
    {
        nint k = g.K;
        int m = g.M;
        float* bStart = g.B;

        // For SpreadStream: the passes over a triple share its prefetches. A triple spans 3·Ldb values, and one step
        // of the kernels (eight values of each row) moves 24 values along it; pass p of P prefetches from p/P of the
        // way through it, PrefetchBytes ahead, and moves 1/P of a step's bytes per step.
        int passes = GemmSmallM.Passes(m);
        nint tripleBytes = 3 * g.Ldb * sizeof(float);
        nint pfStep = 24 * sizeof(float) / passes;
        int j = j0;
        for (; j + 3 <= j1; j += 3)
        {
            float* b = bStart + (j * g.Ldb);
            byte* pf = (byte*)b + PrefetchBytes;
            float* c = g.C + j;
            int i = 0;
            int pass = 0;
            for (; i + 4 <= m; i += 4, pass++)
            {
                Dot4x3<TStreams>(k, g.A + (i * g.Lda), g.Lda, b, g.Ldb, c + (i * g.Ldc), g.Ldc, g.Accumulate,
                    pf + (pass * tripleBytes / passes), pfStep);
            }

            for (; i < m; i++, pass++)
            {
                Dot1x3<TStreams>(k, g.A + (i * g.Lda), b, g.Ldb, c + (i * g.Ldc), g.Accumulate,
                    pf + (pass * tripleBytes / passes), pfStep);
            }
        }

        // The last rows (fewer than three), one at a time.
        for (; j < j1; j++)
        {
            float* b = bStart + (j * g.Ldb);
            float* c = g.C + j;
            int i = 0;
            for (; i + 4 <= m; i += 4)
            {
                Dot4x1(k, g.A + (i * g.Lda), g.Lda, b, c + (i * g.Ldc), g.Ldc, g.Accumulate);
            }

            for (; i < m; i++)
            {
                Dot1x1(k, g.A + (i * g.Lda), b, c + (i * g.Ldc), g.Accumulate);
            }
        }
    }

    // C[4, 3] (+)= A[4, k] · B[3, k]ᵀ: 12 accumulators vectorised over k, reduced at the end; B's rows ldb apart.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Dot4x3<TStreams>(nint k, float* a, nint lda, float* b, nint ldb, float* c, nint ldc, bool accumulate,
        byte* pf, nint pfStep)
        where TStreams : IStreams
    {
        float* a0 = a;
        float* a1 = a + (1 * lda);
        float* a2 = a + (2 * lda);
        float* a3 = a + (3 * lda);
        float* b0 = b;
        float* b1 = b + ldb;
        float* b2 = b + (2 * ldb);
        Vector256<float> s00 = Vector256<float>.Zero; Vector256<float> s01 = Vector256<float>.Zero; Vector256<float> s02 = Vector256<float>.Zero;
        Vector256<float> s10 = Vector256<float>.Zero; Vector256<float> s11 = Vector256<float>.Zero; Vector256<float> s12 = Vector256<float>.Zero;
        Vector256<float> s20 = Vector256<float>.Zero; Vector256<float> s21 = Vector256<float>.Zero; Vector256<float> s22 = Vector256<float>.Zero;
        Vector256<float> s30 = Vector256<float>.Zero; Vector256<float> s31 = Vector256<float>.Zero; Vector256<float> s32 = Vector256<float>.Zero;
        nint p = 0;
        for (; p + 8 <= k; p += 8, pf += pfStep)
        {
            LoadSegments<TStreams>(b0, b1, b2, p, pf, out Vector256<float> y0, out Vector256<float> y1, out Vector256<float> y2);
            Vector256<float> x0 = Vector256.Load(a0 + p);
            s00 = Fma.MultiplyAdd(x0, y0, s00);
            s01 = Fma.MultiplyAdd(x0, y1, s01);
            s02 = Fma.MultiplyAdd(x0, y2, s02);
            Vector256<float> x1 = Vector256.Load(a1 + p);
            s10 = Fma.MultiplyAdd(x1, y0, s10);
            s11 = Fma.MultiplyAdd(x1, y1, s11);
            s12 = Fma.MultiplyAdd(x1, y2, s12);
            Vector256<float> x2 = Vector256.Load(a2 + p);
            s20 = Fma.MultiplyAdd(x2, y0, s20);
            s21 = Fma.MultiplyAdd(x2, y1, s21);
            s22 = Fma.MultiplyAdd(x2, y2, s22);
            Vector256<float> x3 = Vector256.Load(a3 + p);
            s30 = Fma.MultiplyAdd(x3, y0, s30);
            s31 = Fma.MultiplyAdd(x3, y1, s31);
            s32 = Fma.MultiplyAdd(x3, y2, s32);
        }

        if (p < k)
        {
            Vector256<float> tailMask = TailMask(k - p);
            Vector256<float> y0 = Avx.MaskLoad(b0 + p, tailMask);
            Vector256<float> y1 = Avx.MaskLoad(b1 + p, tailMask);
            Vector256<float> y2 = Avx.MaskLoad(b2 + p, tailMask);
            Vector256<float> x0 = Avx.MaskLoad(a0 + p, tailMask);
            s00 = Fma.MultiplyAdd(x0, y0, s00);
            s01 = Fma.MultiplyAdd(x0, y1, s01);
            s02 = Fma.MultiplyAdd(x0, y2, s02);
            Vector256<float> x1 = Avx.MaskLoad(a1 + p, tailMask);
            s10 = Fma.MultiplyAdd(x1, y0, s10);
            s11 = Fma.MultiplyAdd(x1, y1, s11);
            s12 = Fma.MultiplyAdd(x1, y2, s12);
            Vector256<float> x2 = Avx.MaskLoad(a2 + p, tailMask);
            s20 = Fma.MultiplyAdd(x2, y0, s20);
            s21 = Fma.MultiplyAdd(x2, y1, s21);
            s22 = Fma.MultiplyAdd(x2, y2, s22);
            Vector256<float> x3 = Avx.MaskLoad(a3 + p, tailMask);
            s30 = Fma.MultiplyAdd(x3, y0, s30);
            s31 = Fma.MultiplyAdd(x3, y1, s31);
            s32 = Fma.MultiplyAdd(x3, y2, s32);
        }

        PutColumn(c + 0, ldc, Sums(s00, s10, s20, s30), accumulate);
        PutColumn(c + 1, ldc, Sums(s01, s11, s21, s31), accumulate);
        PutColumn(c + 2, ldc, Sums(s02, s12, s22, s32), accumulate);
    }

    // C[1, 3] (+)= A[1, k] · B[3, k]ᵀ: 3 accumulators vectorised over k, reduced at the end; B as for Dot4x3.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Dot1x3<TStreams>(nint k, float* a, float* b, nint ldb, float* c, bool accumulate,
        byte* pf, nint pfStep)
        where TStreams : IStreams
    {
        float* a0 = a;
        float* b0 = b;
        float* b1 = b + ldb;
        float* b2 = b + (2 * ldb);
        Vector256<float> s00 = Vector256<float>.Zero; Vector256<float> s01 = Vector256<float>.Zero; Vector256<float> s02 = Vector256<float>.Zero;
        nint p = 0;
        for (; p + 8 <= k; p += 8, pf += pfStep)
        {
            LoadSegments<TStreams>(b0, b1, b2, p, pf, out Vector256<float> y0, out Vector256<float> y1, out Vector256<float> y2);
            Vector256<float> x0 = Vector256.Load(a0 + p);
            s00 = Fma.MultiplyAdd(x0, y0, s00);
            s01 = Fma.MultiplyAdd(x0, y1, s01);
            s02 = Fma.MultiplyAdd(x0, y2, s02);
        }

        if (p < k)
        {
            Vector256<float> tailMask = TailMask(k - p);
            Vector256<float> y0 = Avx.MaskLoad(b0 + p, tailMask);
            Vector256<float> y1 = Avx.MaskLoad(b1 + p, tailMask);
            Vector256<float> y2 = Avx.MaskLoad(b2 + p, tailMask);
            Vector256<float> x0 = Avx.MaskLoad(a0 + p, tailMask);
            s00 = Fma.MultiplyAdd(x0, y0, s00);
            s01 = Fma.MultiplyAdd(x0, y1, s01);
            s02 = Fma.MultiplyAdd(x0, y2, s02);
        }

        Vector128<float> sums = Sums(s00, s01, s02, s02);
        Put(c + 0, sums.GetElement(0), accumulate);
        Put(c + 1, sums.GetElement(1), accumulate);
        Put(c + 2, sums.GetElement(2), accumulate);
    }

    // C[4, 1] (+)= A[4, k] · B[1, k]ᵀ: 4 accumulators vectorised over k, reduced at the end.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Dot4x1(nint k, float* a, nint lda, float* b, float* c, nint ldc, bool accumulate)
    {
        float* a0 = a;
        float* a1 = a + (1 * lda);
        float* a2 = a + (2 * lda);
        float* a3 = a + (3 * lda);
        float* b0 = b;
        Vector256<float> s00 = Vector256<float>.Zero;
        Vector256<float> s10 = Vector256<float>.Zero;
        Vector256<float> s20 = Vector256<float>.Zero;
        Vector256<float> s30 = Vector256<float>.Zero;
        nint p = 0;
        for (; p + 8 <= k; p += 8)
        {
            Vector256<float> y0 = Vector256.Load(b0 + p);
            Vector256<float> x0 = Vector256.Load(a0 + p);
            s00 = Fma.MultiplyAdd(x0, y0, s00);
            Vector256<float> x1 = Vector256.Load(a1 + p);
            s10 = Fma.MultiplyAdd(x1, y0, s10);
            Vector256<float> x2 = Vector256.Load(a2 + p);
            s20 = Fma.MultiplyAdd(x2, y0, s20);
            Vector256<float> x3 = Vector256.Load(a3 + p);
            s30 = Fma.MultiplyAdd(x3, y0, s30);
        }

        if (p < k)
        {
            Vector256<float> tailMask = TailMask(k - p);
            Vector256<float> y0 = Avx.MaskLoad(b0 + p, tailMask);
            Vector256<float> x0 = Avx.MaskLoad(a0 + p, tailMask);
            s00 = Fma.MultiplyAdd(x0, y0, s00);
            Vector256<float> x1 = Avx.MaskLoad(a1 + p, tailMask);
            s10 = Fma.MultiplyAdd(x1, y0, s10);
            Vector256<float> x2 = Avx.MaskLoad(a2 + p, tailMask);
            s20 = Fma.MultiplyAdd(x2, y0, s20);
            Vector256<float> x3 = Avx.MaskLoad(a3 + p, tailMask);
            s30 = Fma.MultiplyAdd(x3, y0, s30);
        }

        PutColumn(c, ldc, Sums(s00, s10, s20, s30), accumulate);
    }

    // C[1, 1] (+)= A[1, k] · B[1, k]ᵀ: 1 accumulators vectorised over k, reduced at the end.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Dot1x1(nint k, float* a, float* b, float* c, bool accumulate)
    {
        float* a0 = a;
        float* b0 = b;
        Vector256<float> s00 = Vector256<float>.Zero;
        nint p = 0;
        for (; p + 8 <= k; p += 8)
        {
            Vector256<float> y0 = Vector256.Load(b0 + p);
            Vector256<float> x0 = Vector256.Load(a0 + p);
            s00 = Fma.MultiplyAdd(x0, y0, s00);
        }

        if (p < k)
        {
            Vector256<float> tailMask = TailMask(k - p);
            Vector256<float> y0 = Avx.MaskLoad(b0 + p, tailMask);
            Vector256<float> x0 = Avx.MaskLoad(a0 + p, tailMask);
            s00 = Fma.MultiplyAdd(x0, y0, s00);
        }

        Put(c + 0, Sums(s00, s00, s00, s00).GetElement(0), accumulate);
    }

    // The segment at offset q of each of the three B rows, as float32, and the stream's prefetches.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void LoadSegments<TStreams>(float* b0, float* b1, float* b2, nint q, byte* pf, out Vector256<float> y0, out Vector256<float> y1, out Vector256<float> y2)
        where TStreams : IStreams
    {
        TStreams.Prefetch(b0, b1, b2, q, pf);
        y0 = Vector256.Load(b0 + q);
        y1 = Vector256.Load(b1 + q);
        y2 = Vector256.Load(b2 + q);
    }

    // Lanes below count set: masked loads read only the k % 8 values left (and cannot fault past them).
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<float> TailMask(nint count) =>
        Vector256.LessThan(Vector256.Create(0, 1, 2, 3, 4, 5, 6, 7), Vector256.Create((int)count)).AsSingle();

    // The sums of the lanes of four vectors: within each 128-bit half the pairs, then the pairs of pairs, then the two
    // halves added (the order Vector256.Sum takes in .NET 10: these kernels gave the same values bit for bit with it),
    // in three horizontal adds for all four.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector128<float> Sums(Vector256<float> r0, Vector256<float> r1, Vector256<float> r2, Vector256<float> r3)
    {
        Vector256<float> pairs = Avx.HorizontalAdd(Avx.HorizontalAdd(r0, r1), Avx.HorizontalAdd(r2, r3));
        return pairs.GetLower() + pairs.GetUpper();
    }

    // The four sums into one column of C, rows ldc apart.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void PutColumn(float* c, nint ldc, Vector128<float> sums, bool accumulate)
    {
        Put(c, sums.GetElement(0), accumulate);
        Put(c + ldc, sums.GetElement(1), accumulate);
        Put(c + (2 * ldc), sums.GetElement(2), accumulate);
        Put(c + (3 * ldc), sums.GetElement(3), accumulate);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Put(float* c, float value, bool accumulate) => *c = accumulate ? *c + value : value;

    // Plain rows: three streams, each prefetched.
    private readonly struct ThreeStreams : IStreams
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static void Prefetch(float* b0, float* b1, float* b2, nint q, byte* pf)
        {
            Sse.Prefetch0((byte*)(b0 + q) + PrefetchBytes);
            Sse.Prefetch0((byte*)(b1 + q) + PrefetchBytes);
            Sse.Prefetch0((byte*)(b2 + q) + PrefetchBytes);
        }
    }

    // A triple that is one block of memory, read in several passes (Passes): one prefetch a step at pf, which the
    // caller places and moves so that the passes together cover the block once. OneStream and ThreeStreams prefetch
    // the same lines in every pass, so only the first pass asks for new ones and the memory idles while the later
    // passes run from cache; spreading the prefetches measured ~9 % faster on gpt2-124M's decode products with 8 rows
    // (BENCHMARKS.md). With 2 or more passes a step moves at most 48 bytes along the block, so one 64-byte line a step
    // covers it.
    private readonly struct SpreadStream : IStreams
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static void Prefetch(float* b0, float* b1, float* b2, nint q, byte* pf) => Sse.Prefetch0(pf);
    }
}
