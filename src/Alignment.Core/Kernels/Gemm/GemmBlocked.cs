using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Alignment.Kernels;

/// <summary>
/// Cache-blocked GEMM driver in the BLIS/GotoBLAS style, specialised per micro-kernel:
/// for each NC-wide column block, for each KC-deep slice: pack B; for each MC-tall row block: pack A and
/// run the micro-kernel over the MR×NR tiles (B panel reused from L1 across the A panels).
/// On several threads C is cut into one rectangle per thread, each computed with the thread's own packing.
/// </summary>
internal static unsafe class GemmBlocked<TKernel>
    where TKernel : struct, IGemmMicroKernel
{
    /// <summary>
    /// C (+)= op(A)·op(B) on up to <paramref name="threads"/> threads. C is cut along its columns when it has at least
    /// as many columns as rows (each thread then packs all of A and its own part of B), otherwise along its rows (all
    /// of B, its own part of A): the operand packed by every thread is the smaller one. No packed panel is shared
    /// between cores and no thread waits for another before the end, which measured 0–15 % faster than one product
    /// whose packed B blocks both threads share (BENCHMARKS.md, run 9). The cuts fall on whole micro-tiles and every
    /// element gets the same KC-deep partial sums in the same order as on one thread, so results do not depend on
    /// the number of threads.
    /// </summary>
    public static void Run(in GemmArgs g, int threads)
    {
        bool columns = g.M <= g.N;
        int unit = columns ? TKernel.NR : TKernel.MR;
        int extent = columns ? g.N : g.M;
        int units = (extent + unit - 1) / unit;
        int parts = Math.Min(threads, units);
        if (parts <= 1)
        {
            RunRange(g, 0, g.M, 0, g.N);
            return;
        }

        GemmArgs args = g;
        WorkerTeam.Shared.For(parts, part =>
        {
            (int first, int end) = GemmPartition.Range(units, parts, part);
            int start = first * unit;
            int stop = Math.Min(end * unit, extent);
            if (columns)
            {
                RunRange(args, 0, args.M, start, stop);
            }
            else
            {
                RunRange(args, start, stop, 0, args.N);
            }
        });
    }

    /// <summary>Single-threaded product of the sub-block C[i0..i1, j0..j1].</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void RunRange(in GemmArgs g, int i0, int i1, int j0, int j1)
    {
        int mr = TKernel.MR;
        int nr = TKernel.NR;

        // Equal-sized blocks rather than full blocks and a thin remainder.
        int kc = GemmPartition.BlockSize(g.K, TKernel.KC, 8);
        int mc = GemmPartition.BlockSize(i1 - i0, TKernel.MC, mr);
        int nc = GemmPartition.BlockSize(j1 - j0, TKernel.NC, nr);
        float* packA = GemmBuffers.A((long)((mc + mr - 1) / mr) * GemmPacking.PanelStride(mr, kc));
        float* packB = GemmBuffers.B((long)((nc + nr - 1) / nr) * GemmPacking.PanelStride(nr, kc));
        float* tile = stackalloc float[mr * nr];

        for (int jc = j0; jc < j1; jc += nc)
        {
            int ncb = Math.Min(nc, j1 - jc);
            for (int pc = 0; pc < g.K; pc += kc)
            {
                int kcb = Math.Min(kc, g.K - pc);
                bool accumulate = g.Accumulate || pc > 0;
                GemmPacking.PackB(g, pc, kcb, jc, ncb, nr, packB);
                for (int ic = i0; ic < i1; ic += mc)
                {
                    int mcb = Math.Min(mc, i1 - ic);
                    GemmPacking.PackA(g, ic, mcb, pc, kcb, mr, packA);
                    Tiles(g, packA, packB, ic, mcb, jc, 0, ncb, kcb, accumulate, tile);
                }
            }
        }
    }

    /// <summary>
    /// C[ic..ic+mcb, jc+j0..jc+j1] (+)= the packed A block (mcb rows) · packed B panels j0/NR..: micro-tiles column
    /// panel by column panel, each B panel reused across all A panels; edge tiles go through <paramref name="tile"/>.
    /// When not accumulating, a bias in <paramref name="g"/> is written into each tile just before the micro-kernel
    /// adds its product to it, so C = bias + product with the same rounding as a C filled with the bias beforehand.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static void Tiles(in GemmArgs g, float* packA, float* packB, int ic, int mcb, int jc, int j0, int j1, int kcb,
        bool accumulate, float* tile)
    {
        int mr = TKernel.MR;
        int nr = TKernel.NR;
        nint ldc = g.Ldc;
        nint aStride = GemmPacking.PanelStride(mr, kcb);
        nint bStride = GemmPacking.PanelStride(nr, kcb);
        float* bias = accumulate ? null : g.Bias;
        for (int jr = j0; jr < j1; jr += nr)
        {
            int cols = Math.Min(nr, j1 - jr);
            float* bPanel = packB + (jr / nr * bStride);
            float* cColumn = g.C + jc + jr;
            float* biasColumn = bias == null ? null : bias + jc + jr;
            for (int ir = 0; ir < mcb; ir += mr)
            {
                int rows = Math.Min(mr, mcb - ir);
                float* aPanel = packA + (ir / mr * aStride);
                float* c = cColumn + ((ic + ir) * ldc);
                if (rows == mr && cols == nr)
                {
                    if (biasColumn != null)
                    {
                        FillRows(biasColumn, mr, nr, c, ldc);
                        TKernel.Run(kcb, aPanel, bPanel, c, ldc, true);
                    }
                    else
                    {
                        TKernel.Run(kcb, aPanel, bPanel, c, ldc, accumulate);
                    }
                }
                else
                {
                    TKernel.Run(kcb, aPanel, bPanel, tile, nr, false);
                    MergeTile(tile, nr, rows, cols, c, ldc, accumulate, biasColumn);
                }
            }
        }
    }

    // The first nr values of bias (nr a multiple of 8) into each of rows rows of c.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void FillRows(float* bias, int rows, int nr, float* c, nint ldc)
    {
        for (int r = 0; r < rows; r++)
        {
            float* cr = c + (r * ldc);
            for (int j = 0; j < nr; j += 8)
            {
                Vector256.Store(Vector256.Load(bias + j), cr + j);
            }
        }
    }

    // C tile = tile (+ C when accumulating, + bias when one is given).
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static void MergeTile(float* tile, int nr, int rows, int cols, float* c, nint ldc, bool accumulate, float* bias)
    {
        for (int r = 0; r < rows; r++)
        {
            float* t = tile + (r * nr);
            float* cr = c + (r * ldc);
            if (accumulate)
            {
                for (int j = 0; j < cols; j++)
                {
                    cr[j] += t[j];
                }
            }
            else if (bias != null)
            {
                for (int j = 0; j < cols; j++)
                {
                    cr[j] = bias[j] + t[j];
                }
            }
            else
            {
                for (int j = 0; j < cols; j++)
                {
                    cr[j] = t[j];
                }
            }
        }
    }
}
