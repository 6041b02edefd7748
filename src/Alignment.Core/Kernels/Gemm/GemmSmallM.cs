namespace Alignment.Kernels;

/// <summary>
/// Products with few rows (m ≤ <see cref="MaxRows"/>, e.g. decode-time x·W) are bound by streaming B once:
/// no A panels, no B packing. op(B) = B [k,n] goes to <see cref="GemmSmallMRows"/> (B rows broadcast-FMA'd
/// into C rows, vectorised over n), op(B) = Bᵀ with B [n,k] to <see cref="GemmSmallMDot"/> (dot products
/// vectorised over k), and a B laid out for decoding in <see cref="GemmColumnPanels"/> (float32 or bfloat16) to
/// <see cref="GemmSmallMPanels"/>. op(A) = Aᵀ
/// is first copied into a small row-major [m,k] buffer. Threads split n; each fills its columns of C with the bias, if
/// any, before it adds its part of the product.
/// </summary>
internal static unsafe class GemmSmallM
{
    public const int MaxRows = 16;

    private const long OverDecomposeWork = 1L << 24;

    // Columns per thread chunk are multiples of this (NN: whole 16-float steps; NT: triples of B rows).
    private const int ColumnUnit = 16;

    /// <summary>
    /// How many times the small-m kernels read each block of B: once per four rows of A (their 4-row kernels) and once
    /// per row left over. Only the first pass misses in cache; the others find the block in L1 or L2.
    /// </summary>
    public static int Passes(int m) => (m / 4) + (m % 4);

    /// <summary>The product; B stored as <paramref name="layout"/> says (the column-panels layouts only with op(B) = B).</summary>
    public static void Run(in GemmArgs g, int threads, GemmBLayout layout = GemmBLayout.Plain)
    {
        GemmArgs args = g;
        if (g.TransA)
        {
            float* copy = GemmBuffers.A((long)g.M * g.K);
            TransposeKernels.Transpose(g.A, g.Lda, g.K, g.M, copy, parallel: threads > 1); // A stored [k, m] → [m, k]
            args = g.WithA(copy, g.K);
        }

        // Splitting n duplicates nothing, so large products get several chunks per thread, handed out
        // dynamically: a core slowed down by other work then takes fewer of them.
        int unit = layout != GemmBLayout.Plain ? GemmColumnPanels.Width : g.TransB ? 3 : ColumnUnit;
        int units = (g.N + unit - 1) / unit;
        int perThread = threads > 1 && (long)g.M * g.N * g.K >= OverDecomposeWork ? 4 : 1;
        int chunks = Math.Min(threads * perThread, units);
        if (chunks <= 1)
        {
            RunRange(args, 0, g.N, layout);
            return;
        }

        WorkerTeam.Shared.For(chunks, t =>
        {
            (int start, int end) = GemmPartition.Range(units, chunks, t);
            RunRange(args, start * unit, Math.Min(end * unit, args.N), layout);
        });
    }

    // Chunks of the NT form start on multiples of three (the dot kernels read B rows three at a time), those of the
    // column-panels layouts on whole panels. A bias goes into
    // the chunk's columns of C first, by the thread that then adds the product to them.
    private static void RunRange(in GemmArgs g, int j0, int j1, GemmBLayout layout)
    {
        GemmArgs args = g.Bias != null ? g.WithBiasInC(j0, j1) : g;
        if (layout != GemmBLayout.Plain)
        {
            GemmSmallMPanels.RunRange(args, j0, j1, layout);
        }
        else if (args.TransB)
        {
            GemmSmallMDot.RunRange(args, j0, j1);
        }
        else
        {
            GemmSmallMRows.RunRange(args, j0, j1);
        }
    }
}
