namespace Alignment.Kernels;

internal static partial class SoftmaxKernels
{
    // x: [rows, cols]; lse: [rows]
    /// <summary>lse[r] = log(sum(exp(x[r]))), computed stably. A row of all -inf gives -inf.</summary>
    public static void LogSumExpForward(ReadOnlySpan<float> x, Span<float> lse, int rows, int cols)
    {
        long n = CheckShape(rows, cols);
        KernelGuard.Length(x.Length, n, nameof(x));
        KernelGuard.Length(lse.Length, rows, nameof(lse));
        ForEachRows(x, lse, rows, cols, n, LogSumExpRows);
    }

    // x, dx: [rows, cols]; lse, dlse: [rows]
    /// <summary>dx += dlse[r] * exp(x - lse[r]). Rows whose lse is -inf (all -inf input) get nothing.</summary>
    public static void LogSumExpBackward(ReadOnlySpan<float> x, ReadOnlySpan<float> lse, ReadOnlySpan<float> dlse, Span<float> dx, int rows, int cols)
    {
        long n = CheckShape(rows, cols);
        KernelGuard.Length(x.Length, n, nameof(x));
        KernelGuard.Length(lse.Length, rows, nameof(lse));
        KernelGuard.Length(dlse.Length, rows, nameof(dlse));
        KernelGuard.Length(dx.Length, n, nameof(dx));
        int chunks = KernelParallel.ChunkCount(rows, n);
        if (chunks == 1)
        {
            LogSumExpBackwardRows(x, lse, dlse, dx, cols, 0, rows);
        }
        else
        {
            LogSumExpBackwardParallel(x, lse, dlse, dx, rows, cols, chunks);
        }
    }

    // x: [rows, cols]; lse: [rows]
    private static void LogSumExpRows(ReadOnlySpan<float> x, Span<float> lse, int cols, int start, int end)
    {
        for (int r = start; r < end; r++)
        {
            lse[r] = ExpRowOps.LogSumExp(x.Slice(r * cols, cols));
        }
    }

    // x, dx: [rows, cols]; lse, dlse: [rows]
    private static void LogSumExpBackwardRows(ReadOnlySpan<float> x, ReadOnlySpan<float> lse, ReadOnlySpan<float> dlse, Span<float> dx, int cols, int start, int end)
    {
        for (int r = start; r < end; r++)
        {
            if (float.IsNegativeInfinity(lse[r]))
            {
                continue;
            }

            ExpRowOps.ScaledExp(x.Slice(r * cols, cols), lse[r], dlse[r], dx.Slice(r * cols, cols), accumulate: true);
        }
    }

    private static unsafe void LogSumExpBackwardParallel(ReadOnlySpan<float> x, ReadOnlySpan<float> lse, ReadOnlySpan<float> dlse, Span<float> dx, int rows, int cols, int chunks)
    {
        fixed (float* px = x, pl = lse, pdl = dlse, pdx = dx)
        {
            var bx = new PinnedBuffer<float>(px, x.Length);
            var bl = new PinnedBuffer<float>(pl, lse.Length);
            var bdl = new PinnedBuffer<float>(pdl, dlse.Length);
            var bdx = new PinnedBuffer<float>(pdx, dx.Length);
            KernelParallel.For(rows, chunks, (s, e) => LogSumExpBackwardRows(bx.ReadOnlySpan, bl.ReadOnlySpan, bdl.ReadOnlySpan, bdx.Span, cols, s, e));
        }
    }
}
