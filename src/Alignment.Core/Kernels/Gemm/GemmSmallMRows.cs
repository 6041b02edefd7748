using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Alignment.Kernels;

/// <summary>
/// The op(B) = B half of <see cref="GemmSmallM"/>: B is [k,n], so B is streamed four rows at a time
/// and each A value is broadcast against them, accumulating into C rows vectorised over n. C is cut into
/// column chunks small enough to stay in L1 while all of k streams past; while one group of four B rows
/// is used, the rows sixteen further down are prefetched, so memory keeps streaming during the arithmetic.
/// </summary>
internal static unsafe class GemmSmallMRows
{
    private const int Depth = 4;
    private const int PrefetchRows = 16;
    private const int ChunkBytes = 16384;

    /// <summary>C[0..m, j0..j1] (+)= A · B[:, j0..j1] with A row-major [m,k].</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void RunRange(in GemmArgs g, int j0, int j1)
    {
        int m = g.M;
        int k = g.K;
        nint lda = g.Lda, ldb = g.Ldb;

        // About 16 KiB of C per chunk, accumulated in a local buffer whose rows are padded by a cache line:
        // C rows a power of two apart would all fall into the same L1 sets (and alias the B rows).
        int chunk = Math.Max(64, ChunkBytes / 4 / m / 16 * 16);
        nint cbStride = chunk + 16;
        float* cbuf = stackalloc float[(int)(m * cbStride) + 16];
        float* cb = (float*)(((nint)cbuf + 63) & ~(nint)63);
        for (int jc = j0; jc < j1; jc += chunk)
        {
            nint nc = Math.Min(chunk, j1 - jc);
            float* b = g.B + jc;
            float* cOut = g.C + jc;
            for (int i = 0; i < m; i++)
            {
                var row = new Span<float>(cb + (i * cbStride), (int)nc);
                if (g.Accumulate)
                {
                    new ReadOnlySpan<float>(cOut + (i * g.Ldc), (int)nc).CopyTo(row);
                }
                else
                {
                    row.Clear();
                }
            }

            int p = 0;
            for (; p + Depth <= k; p += Depth)
            {
                float* bp = b + (p * ldb);

                // Rows PrefetchRows further down (near the end of B, the current rows again).
                float* ahead = p + PrefetchRows + Depth <= k ? bp + (PrefetchRows * ldb) : bp;
                // The first two row pairs prefetch two rows each; the others only compute.
                int i = 0;
                for (; i + 2 <= m; i += 2)
                {
                    if (i < 4)
                    {
                        Rows2Depth4<Prefetching>(g.A + (i * lda) + p, lda, bp, ldb, cb + (i * cbStride), cbStride, nc, ahead + (i * ldb), ldb);
                    }
                    else
                    {
                        Rows2Depth4<NotPrefetching>(g.A + (i * lda) + p, lda, bp, ldb, cb + (i * cbStride), cbStride, nc, null, 0);
                    }
                }

                if (i < m)
                {
                    Row1Depth4(g.A + (i * lda) + p, bp, ldb, cb + (i * cbStride), nc);
                }
            }

            for (; p < k; p++)
            {
                float* bp = b + (p * ldb);
                for (int i = 0; i < m; i++)
                {
                    Row1Depth1(g.A[(i * lda) + p], bp, cb + (i * cbStride), nc);
                }
            }

            for (int i = 0; i < m; i++)
            {
                new ReadOnlySpan<float>(cb + (i * cbStride), (int)nc).CopyTo(new Span<float>(cOut + (i * g.Ldc), (int)nc));
            }
        }
    }

    // C[2, nc] += A[2, 4] · B[4, nc]; 16 columns per step, prefetching one line of two rows ahead per step.
    // Each row's four products form two chains (one started by a multiply) joined by an add: shorter
    // dependency chains, and part of the work moves to the floating-point add pipes. TPrefetch is Prefetching or
    // NotPrefetching (the row pairs after the first two); the JIT compiles each without the test.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Rows2Depth4<TPrefetch>(float* a, nint lda, float* b, nint ldb, float* c, nint ldc, nint nc, float* pf, nint pfStride)
        where TPrefetch : struct
    {
        float* a1 = a + lda;
        Vector256<float> x00 = Vector256.Create(a[0]), x01 = Vector256.Create(a[1]);
        Vector256<float> x02 = Vector256.Create(a[2]), x03 = Vector256.Create(a[3]);
        Vector256<float> x10 = Vector256.Create(a1[0]), x11 = Vector256.Create(a1[1]);
        Vector256<float> x12 = Vector256.Create(a1[2]), x13 = Vector256.Create(a1[3]);
        float* b1 = b + ldb;
        float* b2 = b1 + ldb;
        float* b3 = b2 + ldb;
        float* c1 = c + ldc;
        float* pf1 = pf + pfStride;
        nint j = 0;
        for (; j + 16 <= nc; j += 16)
        {
            if (typeof(TPrefetch) == typeof(Prefetching))
            {
                Sse.Prefetch0(pf + j);
                Sse.Prefetch0(pf1 + j);
            }

            Vector256<float> v0 = Vector256.Load(b + j);
            Vector256<float> v1 = Vector256.Load(b1 + j);
            Vector256<float> v2 = Vector256.Load(b2 + j);
            Vector256<float> v3 = Vector256.Load(b3 + j);
            Vector256<float> s0 = Fma.MultiplyAdd(x00, v0, Vector256.Load(c + j));
            Vector256<float> s1 = Fma.MultiplyAdd(x10, v0, Vector256.Load(c1 + j));
            Vector256<float> t0 = x01 * v1;
            Vector256<float> t1 = x11 * v1;
            s0 = Fma.MultiplyAdd(x02, v2, s0);
            s1 = Fma.MultiplyAdd(x12, v2, s1);
            t0 = Fma.MultiplyAdd(x03, v3, t0);
            t1 = Fma.MultiplyAdd(x13, v3, t1);
            Vector256.Store(s0 + t0, c + j);
            Vector256.Store(s1 + t1, c1 + j);

            v0 = Vector256.Load(b + j + 8);
            v1 = Vector256.Load(b1 + j + 8);
            v2 = Vector256.Load(b2 + j + 8);
            v3 = Vector256.Load(b3 + j + 8);
            s0 = Fma.MultiplyAdd(x00, v0, Vector256.Load(c + j + 8));
            s1 = Fma.MultiplyAdd(x10, v0, Vector256.Load(c1 + j + 8));
            t0 = x01 * v1;
            t1 = x11 * v1;
            s0 = Fma.MultiplyAdd(x02, v2, s0);
            s1 = Fma.MultiplyAdd(x12, v2, s1);
            t0 = Fma.MultiplyAdd(x03, v3, t0);
            t1 = Fma.MultiplyAdd(x13, v3, t1);
            Vector256.Store(s0 + t0, c + j + 8);
            Vector256.Store(s1 + t1, c1 + j + 8);
        }

        if (j < nc)
        {
            Row1Depth4(a, b + j, ldb, c + j, nc - j);
            Row1Depth4(a1, b + j, ldb, c1 + j, nc - j);
        }
    }

    // C[1, nc] += A[1, 4] · B[4, nc].
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Row1Depth4(float* a, float* b, nint ldb, float* c, nint nc)
    {
        float a0 = a[0], a1 = a[1], a2 = a[2], a3 = a[3];
        Vector256<float> x0 = Vector256.Create(a0), x1 = Vector256.Create(a1);
        Vector256<float> x2 = Vector256.Create(a2), x3 = Vector256.Create(a3);
        float* b1 = b + ldb;
        float* b2 = b1 + ldb;
        float* b3 = b2 + ldb;
        nint j = 0;
        for (; j + 8 <= nc; j += 8)
        {
            Vector256<float> s = Vector256.Load(c + j);
            s = Fma.MultiplyAdd(x0, Vector256.Load(b + j), s);
            s = Fma.MultiplyAdd(x1, Vector256.Load(b1 + j), s);
            s = Fma.MultiplyAdd(x2, Vector256.Load(b2 + j), s);
            s = Fma.MultiplyAdd(x3, Vector256.Load(b3 + j), s);
            Vector256.Store(s, c + j);
        }

        for (; j < nc; j++)
        {
            c[j] += (a0 * b[j]) + (a1 * b1[j]) + (a2 * b2[j]) + (a3 * b3[j]);
        }
    }

    // C[1, nc] += a · B[1, nc].
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Row1Depth1(float a, float* b, float* c, nint nc)
    {
        Vector256<float> x = Vector256.Create(a);
        nint j = 0;
        for (; j + 8 <= nc; j += 8)
        {
            Vector256.Store(Fma.MultiplyAdd(x, Vector256.Load(b + j), Vector256.Load(c + j)), c + j);
        }

        for (; j < nc; j++)
        {
            c[j] += a * b[j];
        }
    }

    // Type arguments of Rows2Depth4: whether it prefetches.
    private readonly struct Prefetching
    {
    }

    private readonly struct NotPrefetching
    {
    }
}
