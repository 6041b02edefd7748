using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Alignment.Kernels;

/// <summary>
/// The <see cref="GemmColumnPanels"/> half of <see cref="GemmSmallM"/>: C[m, n] (+)= A[m, k] · B with B in column
/// panels of 24, float32 or bfloat16 (<see cref="IDecodeElement{T}"/>, widened to float32 as loaded). Each panel is
/// read as one stream, <see cref="KChunk"/> values of k at a time: for each chunk, every four rows of A (and then each row
/// left) broadcast their values against the chunk's 24 columns into 12 accumulators (the form of a GEMM micro-kernel,
/// which reads each A value once per 24 columns where a dot product of B rows reads all of A for every three). The
/// chunk stays in L1 for the passes after the first; the sums wait in a small tile between chunks (the last chunk of
/// a whole panel puts them straight into C), so every C value is the sum of its k products in order, from zero, one
/// fused multiply-add each, then added to C when the product accumulates (a bias is there already). Prefetches run
/// <see cref="AheadBytes"/> ahead along the stream, spread over the passes so that together they cover it once.
/// </summary>
internal static unsafe class GemmSmallMPanels
{
    // Values of k per chunk: 12 KiB of float32 panel, read by every pass from L1.
    private const int KChunk = 128;

    // How far ahead of the chunk being read the stream is prefetched.
    private const int AheadBytes = 8192;

    private const int Width = GemmColumnPanels.Width;

    /// <summary>
    /// C[0..m, j0..j1] (+)= A · B[:, j0..j1] with A row-major [m, k] (m ≤ <see cref="GemmSmallM.MaxRows"/>); j0 is a
    /// multiple of 24; for bfloat16, <see cref="GemmArgs.B"/> holds the address of the bfloat16 values.
    /// </summary>
    public static void RunRange(in GemmArgs g, int j0, int j1, GemmBLayout layout)
    {
        if (layout == GemmBLayout.ColumnPanelsBFloat16)
        {
            RunRange<ushort, BFloat16Element>(g, j0, j1);
        }
        else
        {
            RunRange<float, Float32Element>(g, j0, j1);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void RunRange<T, TElement>(in GemmArgs g, int j0, int j1)
        where T : unmanaged
        where TElement : IDecodeElement<T>
    {
        int m = g.M;
        int k = g.K;
        float* tile = stackalloc float[GemmSmallM.MaxRows * Width];
        int passes = GemmSmallM.Passes(m);
        nint pfStep = Width * sizeof(T) / passes;
        for (int j = j0; j < j1; j += Width)
        {
            T* panel = (T*)g.B + ((long)(j / Width) * Width * k);
            int width = Math.Min(Width, j1 - j);
            for (int k0 = 0; k0 < k; k0 += KChunk)
            {
                int kc = Math.Min(KChunk, k - k0);
                T* chunk = panel + ((long)k0 * Width);
                byte* pf = (byte*)chunk + AheadBytes;
                nint passBytes = (nint)kc * Width * sizeof(T) / passes;
                bool load = k0 > 0;

                // The last chunk of a whole panel puts its sums straight into C; the others, and a short last panel,
                // leave them in the tile.
                bool last = k0 + kc == k && width == Width;
                Finish finish = !last ? Finish.Tile : g.Accumulate ? Finish.AddToC : Finish.StoreToC;
                int i = 0;
                int pass = 0;
                for (; i + 4 <= m; i += 4, pass++)
                {
                    Panel4x24<T, TElement>(kc, g.A + (i * g.Lda) + k0, g.Lda, chunk, tile + (i * Width), load, pf + (pass * passBytes), pfStep,
                        g.C + (i * g.Ldc) + j, g.Ldc, finish);
                }

                for (; i < m; i++, pass++)
                {
                    Panel1x24<T, TElement>(kc, g.A + (i * g.Lda) + k0, chunk, tile + (i * Width), load, pf + (pass * passBytes), pfStep,
                        g.C + (i * g.Ldc) + j, finish);
                }
            }

            if (width < Width)
            {
                for (int i = 0; i < m; i++)
                {
                    float* t = tile + (i * Width);
                    float* c = g.C + (i * g.Ldc) + j;
                    for (int q = 0; q < width; q++)
                    {
                        c[q] = g.Accumulate ? c[q] + t[q] : t[q];
                    }
                }
            }
        }
    }

    // Where a kernel call leaves its sums: in the tile (more chunks follow, or the panel is cut short), stored into C,
    // or added to C.
    private enum Finish
    {
        Tile,
        StoreToC,
        AddToC,
    }

    // Three vectors of sums to row c of C (or of the tile), as finish says.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Put(float* tile, float* c, Finish finish, Vector256<float> s0, Vector256<float> s1, Vector256<float> s2)
    {
        float* d = finish == Finish.Tile ? tile : c;
        if (finish == Finish.AddToC)
        {
            s0 += Vector256.Load(d);
            s1 += Vector256.Load(d + 8);
            s2 += Vector256.Load(d + 16);
        }

        s0.Store(d);
        s1.Store(d + 8);
        s2.Store(d + 16);
    }

    // (load ? tile : 0) + A[4, kc] · panel[kc, 24], to the tile or C as finish says; A rows lda apart, the tile's rows
    // 24 apart, C's ldc apart.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Panel4x24<T, TElement>(nint kc, float* a, nint lda, T* b, float* tile, bool load, byte* pf, nint pfStep,
        float* c, nint ldc, Finish finish)
        where T : unmanaged
        where TElement : IDecodeElement<T>
    {
        float* a0 = a;
        float* a1 = a + lda;
        float* a2 = a + (2 * lda);
        float* a3 = a + (3 * lda);
        Vector256<float> s00, s01, s02, s10, s11, s12, s20, s21, s22, s30, s31, s32;
        if (load)
        {
            s00 = Vector256.Load(tile); s01 = Vector256.Load(tile + 8); s02 = Vector256.Load(tile + 16);
            s10 = Vector256.Load(tile + 24); s11 = Vector256.Load(tile + 32); s12 = Vector256.Load(tile + 40);
            s20 = Vector256.Load(tile + 48); s21 = Vector256.Load(tile + 56); s22 = Vector256.Load(tile + 64);
            s30 = Vector256.Load(tile + 72); s31 = Vector256.Load(tile + 80); s32 = Vector256.Load(tile + 88);
        }
        else
        {
            s00 = s01 = s02 = s10 = s11 = s12 = s20 = s21 = s22 = s30 = s31 = s32 = Vector256<float>.Zero;
        }

        for (nint p = 0; p < kc; p++, b += Width, pf += pfStep)
        {
            Sse.Prefetch0(pf);
            Vector256<float> y0 = TElement.Load(b);
            Vector256<float> y1 = TElement.Load(b + 8);
            Vector256<float> y2 = TElement.Load(b + 16);
            Vector256<float> x = Vector256.Create(a0[p]);
            s00 = Fma.MultiplyAdd(x, y0, s00);
            s01 = Fma.MultiplyAdd(x, y1, s01);
            s02 = Fma.MultiplyAdd(x, y2, s02);
            x = Vector256.Create(a1[p]);
            s10 = Fma.MultiplyAdd(x, y0, s10);
            s11 = Fma.MultiplyAdd(x, y1, s11);
            s12 = Fma.MultiplyAdd(x, y2, s12);
            x = Vector256.Create(a2[p]);
            s20 = Fma.MultiplyAdd(x, y0, s20);
            s21 = Fma.MultiplyAdd(x, y1, s21);
            s22 = Fma.MultiplyAdd(x, y2, s22);
            x = Vector256.Create(a3[p]);
            s30 = Fma.MultiplyAdd(x, y0, s30);
            s31 = Fma.MultiplyAdd(x, y1, s31);
            s32 = Fma.MultiplyAdd(x, y2, s32);
        }

        Put(tile, c, finish, s00, s01, s02);
        Put(tile + Width, c + ldc, finish, s10, s11, s12);
        Put(tile + (2 * Width), c + (2 * ldc), finish, s20, s21, s22);
        Put(tile + (3 * Width), c + (3 * ldc), finish, s30, s31, s32);
    }

    // (load ? tile : 0) + A[1, kc] · panel[kc, 24], to the tile or C as finish says.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Panel1x24<T, TElement>(nint kc, float* a, T* b, float* tile, bool load, byte* pf, nint pfStep, float* c, Finish finish)
        where T : unmanaged
        where TElement : IDecodeElement<T>
    {
        Vector256<float> s0 = load ? Vector256.Load(tile) : Vector256<float>.Zero;
        Vector256<float> s1 = load ? Vector256.Load(tile + 8) : Vector256<float>.Zero;
        Vector256<float> s2 = load ? Vector256.Load(tile + 16) : Vector256<float>.Zero;
        for (nint p = 0; p < kc; p++, b += Width, pf += pfStep)
        {
            Sse.Prefetch0(pf);
            Vector256<float> x = Vector256.Create(a[p]);
            s0 = Fma.MultiplyAdd(x, TElement.Load(b), s0);
            s1 = Fma.MultiplyAdd(x, TElement.Load(b + 8), s1);
            s2 = Fma.MultiplyAdd(x, TElement.Load(b + 16), s2);
        }

        Put(tile, c, finish, s0, s1, s2);
    }
}
