using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Alignment.Kernels;

/// <summary>
/// Packing of A and B blocks into the panel layouts the micro-kernels read sequentially. The transposed
/// variants are handled here, block by block, so no whole-matrix transpose is ever materialised.
/// Panels at the edges are zero-padded to full width.
/// </summary>
internal static unsafe class GemmPacking
{
    /// <summary>
    /// Packs op(A)[i0..i0+mc, p0..p0+kc] into panels of <paramref name="mr"/> rows (mr ≤ 8), panel q starting
    /// at dst + q·<see cref="PanelStride"/>(mr, kc): panel[p·mr + r] = op(A)[i0 + q·mr + r, p0 + p].
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void PackA(in GemmArgs g, int i0, int mc, int p0, int kc, int mr, float* dst)
    {
        if (g.TransA)
        {
            // A stored [k, m]: row p of the block is contiguous, so walk it once and scatter mr-wide pieces.
            ScatterRows(g.A + ((nint)p0 * g.Lda) + i0, g.Lda, kc, mc, mr, dst, PanelStride(mr, kc));
            return;
        }

        // A stored [m, k]: each row is contiguous along p, so interleave up to 8 rows at once.
        nint stride = PanelStride(mr, kc);
        for (int ir = 0; ir < mc; ir += mr)
        {
            int rows = Math.Min(mr, mc - ir);
            GemmTranspose.Interleave8(g.A + ((nint)(i0 + ir) * g.Lda) + p0, g.Lda, rows, kc, mr, dst + (ir / mr * stride), mr);
        }
    }

    /// <summary>
    /// Packs op(B)[p0..p0+kc, j0..j0+nc] into panels of <paramref name="nr"/> columns (a multiple of 8), panel q
    /// starting at dst + q·<see cref="PanelStride"/>(nr, kc): panel[p·nr + j] = op(B)[p0 + p, j0 + q·nr + j].
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void PackB(in GemmArgs g, int p0, int kc, int j0, int nc, int nr, float* dst)
    {
        if (!g.TransB)
        {
            ScatterRows(g.B + ((nint)p0 * g.Ldb) + j0, g.Ldb, kc, nc, nr, dst, PanelStride(nr, kc));
            return;
        }

        // B stored [n, k]: column j of op(B) is the contiguous row j, so interleave 8 rows at a time.
        nint stride = PanelStride(nr, kc);
        for (int jr = 0; jr < nc; jr += nr)
        {
            int cols = Math.Min(nr, nc - jr);
            float* panel = dst + (jr / nr * stride);
            for (int g8 = 0; g8 < nr; g8 += 8)
            {
                int rows = Math.Min(8, cols - g8);
                if (rows <= 0)
                {
                    ZeroColumns(panel + g8, nr, kc);
                }
                else
                {
                    GemmTranspose.Interleave8(g.B + ((nint)(j0 + jr + g8) * g.Ldb) + p0, g.Ldb, rows, kc, 8, panel + g8, nr);
                }
            }
        }
    }

    /// <summary>
    /// Distance in floats between consecutive packed panels of <paramref name="width"/>·<paramref name="kc"/>
    /// values: one cache line more, so that the panels written side by side while packing do not all fall into
    /// the same L1 sets when width·kc·4 is a multiple of 4 KiB (and there is room for the 8 - width floats
    /// that <see cref="GemmTranspose.Interleave8"/> writes past a panel narrower than 8).
    /// </summary>
    public static nint PanelStride(int width, int kc) => ((nint)width * kc) + 16;

    // Rows of the block are contiguous: row p (kc rows, ld apart) is read once, front to back, and cut into
    // width-wide pieces, piece q going to dst[q·panelSize + p·width]; the last piece is zero-padded. Reading
    // whole rows keeps the source accesses sequential (and clear of the L1 set conflicts that walking one
    // narrow panel down a power-of-two row stride would cause).
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void ScatterRows(float* src, nint ld, int kc, int extent, int width, float* dst, nint panelSize)
    {
        int full = extent / width;
        int edge = extent - (full * width);
        for (nint p = 0; p < kc; p++)
        {
            float* s = src + (p * ld);
            float* d = dst + (p * width);
            if (width == 6)
            {
                for (int q = 0; q < full; q++)
                {
                    Vector128.Store(Vector128.Load(s), d);
                    *(ulong*)(d + 4) = *(ulong*)(s + 4);
                    s += 6;
                    d += panelSize;
                }
            }
            else if ((width & 7) == 0)
            {
                for (int q = 0; q < full; q++)
                {
                    for (int j = 0; j < width; j += 8)
                    {
                        Vector256.Store(Vector256.Load(s + j), d + j);
                    }

                    s += width;
                    d += panelSize;
                }
            }
            else
            {
                for (int q = 0; q < full; q++)
                {
                    new ReadOnlySpan<float>(s, width).CopyTo(new Span<float>(d, width));
                    s += width;
                    d += panelSize;
                }
            }

            if (edge > 0)
            {
                int j = 0;
                for (; j < edge; j++)
                {
                    d[j] = s[j];
                }

                for (; j < width; j++)
                {
                    d[j] = 0f;
                }
            }
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void ZeroColumns(float* dst, int stride, int kc)
    {
        for (nint p = 0; p < kc; p++)
        {
            Vector256.Store(Vector256<float>.Zero, dst + (p * stride));
        }
    }
}
