using System.Runtime.CompilerServices;

namespace Alignment.Kernels;

/// <summary>
/// Out-of-place matrix transpose, dst[c, r] = src[r, c]: eight source rows at a time go through the 8×8 in-register
/// transpose of <see cref="GemmTranspose.Interleave8"/> (eight sequential read streams, 32-byte stores), the last
/// rows (fewer than eight) element by element. Large matrices split their row groups across threads.
/// </summary>
internal static unsafe class TransposeKernels
{
    private const int Group = 8;

    /// <summary>dst[c·<paramref name="rows"/> + r] = src[r·<paramref name="cols"/> + c] for r &lt; rows, c &lt; cols.</summary>
    /// <param name="src">The source matrix, [rows, cols], dense.</param>
    /// <param name="rows">Source rows (destination columns).</param>
    /// <param name="cols">Source columns (destination rows).</param>
    /// <param name="dst">The destination, [cols, rows], dense.</param>
    public static void Transpose(ReadOnlySpan<float> src, int rows, int cols, Span<float> dst)
    {
        KernelGuard.NonNegative(rows, nameof(rows));
        KernelGuard.NonNegative(cols, nameof(cols));
        long count = KernelGuard.Product(rows, cols);
        KernelGuard.Length(src.Length, count, nameof(src));
        KernelGuard.Length(dst.Length, count, nameof(dst));
        if (count == 0)
        {
            return;
        }

        fixed (float* s = src)
        fixed (float* d = dst)
        {
            Transpose(s, cols, rows, cols, d, parallel: true);
        }
    }

    /// <summary>
    /// dst[c·<paramref name="rows"/> + r] = src[r·<paramref name="ld"/> + c] for r &lt; rows, c &lt; cols: the
    /// unchecked form, for source rows <paramref name="ld"/> ≥ <paramref name="cols"/> apart. With
    /// <paramref name="parallel"/>, a large matrix is split across the worker team; otherwise the caller does it all.
    /// </summary>
    public static void Transpose(float* src, nint ld, int rows, int cols, float* dst, bool parallel)
    {
        int groups = rows / Group;
        int chunks = parallel ? KernelParallel.ChunkCount(groups, (long)rows * cols) : 1;
        KernelParallel.For(groups, chunks, (g0, g1) => Groups(src, ld, cols, rows, dst, g0, g1));
        for (int r = groups * Group; r < rows; r++)
        {
            float* row = src + (r * ld);
            for (int c = 0; c < cols; c++)
            {
                dst[((nint)c * rows) + r] = row[c];
            }
        }
    }

    // Row groups g0..g1 of eight full source rows each.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Groups(float* src, nint ld, int cols, int rows, float* dst, int g0, int g1)
    {
        for (int g = g0; g < g1; g++)
        {
            int r0 = g * Group;
            GemmTranspose.Interleave8(src + (r0 * ld), ld, Group, cols, Group, dst + r0, rows);
        }
    }
}
