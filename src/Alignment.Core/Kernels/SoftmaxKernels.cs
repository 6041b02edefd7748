using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace Alignment.Kernels;

/// <summary>Row-wise softmax, log-softmax and log-sum-exp over the last dimension.</summary>
internal static partial class SoftmaxKernels
{
    // x, y: [rows, cols]
    /// <summary>y = softmax(x) along cols with max subtraction. A row of all -inf gives all zeros.</summary>
    public static void SoftmaxForward(ReadOnlySpan<float> x, Span<float> y, int rows, int cols)
    {
        long n = CheckShape(rows, cols);
        KernelGuard.Length(x.Length, n, nameof(x));
        KernelGuard.Length(y.Length, n, nameof(y));
        ForEachRows(x, y, rows, cols, n, SoftmaxForwardRows);
    }

    // y, dy, dx: [rows, cols]
    /// <summary>dx += y * (dy - sum(dy * y)) for each row.</summary>
    public static void SoftmaxBackward(ReadOnlySpan<float> y, ReadOnlySpan<float> dy, Span<float> dx, int rows, int cols)
    {
        long n = CheckShape(rows, cols);
        KernelGuard.Length(y.Length, n, nameof(y));
        KernelGuard.Length(dy.Length, n, nameof(dy));
        KernelGuard.Length(dx.Length, n, nameof(dx));
        ForEachRows(y, dy, dx, rows, cols, n, SoftmaxBackwardRows);
    }

    // A kernel over rows [start, end) of one input and one output, or of two inputs and one output.
    private delegate void RowKernel(ReadOnlySpan<float> x, Span<float> y, int cols, int start, int end);

    private delegate void RowKernel2(ReadOnlySpan<float> x, ReadOnlySpan<float> z, Span<float> y, int cols, int start, int end);

    // Runs `kernel` over all rows, split across threads when `work` pays for it (rows are independent).
    private static unsafe void ForEachRows(ReadOnlySpan<float> x, Span<float> y, int rows, int cols, long work, RowKernel kernel)
    {
        int chunks = KernelParallel.ChunkCount(rows, work);
        if (chunks == 1)
        {
            kernel(x, y, cols, 0, rows);
            return;
        }

        fixed (float* px = x, py = y)
        {
            var bx = new PinnedBuffer<float>(px, x.Length);
            var by = new PinnedBuffer<float>(py, y.Length);
            KernelParallel.For(rows, chunks, (s, e) => kernel(bx.ReadOnlySpan, by.Span, cols, s, e));
        }
    }

    private static unsafe void ForEachRows(ReadOnlySpan<float> x, ReadOnlySpan<float> z, Span<float> y, int rows, int cols, long work,
        RowKernel2 kernel)
    {
        int chunks = KernelParallel.ChunkCount(rows, work);
        if (chunks == 1)
        {
            kernel(x, z, y, cols, 0, rows);
            return;
        }

        fixed (float* px = x, pz = z, py = y)
        {
            var bx = new PinnedBuffer<float>(px, x.Length);
            var bz = new PinnedBuffer<float>(pz, z.Length);
            var by = new PinnedBuffer<float>(py, y.Length);
            KernelParallel.For(rows, chunks, (s, e) => kernel(bx.ReadOnlySpan, bz.ReadOnlySpan, by.Span, cols, s, e));
        }
    }

    private static long CheckShape(int rows, int cols)
    {
        KernelGuard.NonNegative(rows, nameof(rows));
        KernelGuard.NonNegative(cols, nameof(cols));
        return KernelGuard.Product(rows, cols);
    }

    // x, y: [rows, cols]
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void SoftmaxForwardRows(ReadOnlySpan<float> x, Span<float> y, int cols, int start, int end)
    {
        for (int r = start; r < end; r++)
        {
            ReadOnlySpan<float> xr = x.Slice(r * cols, cols);
            ExpRowOps.Softmax(xr, y.Slice(r * cols, cols));
        }
    }

    // y, dy, dx: [rows, cols]
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void SoftmaxBackwardRows(ReadOnlySpan<float> y, ReadOnlySpan<float> dy, Span<float> dx, int cols, int start, int end)
    {
        for (int r = start; r < end; r++)
        {
            ReadOnlySpan<float> yr = y.Slice(r * cols, cols);
            ReadOnlySpan<float> dyr = dy.Slice(r * cols, cols);
            Span<float> dxr = dx.Slice(r * cols, cols);
            float dot = (float)RowOps.Dot(dyr, yr);
            int i = 0;
            if (Vector256.IsHardwareAccelerated && cols >= Vector256<float>.Count)
            {
                ref float yp = ref MemoryMarshal.GetReference(yr);
                ref float dyp = ref MemoryMarshal.GetReference(dyr);
                ref float dxp = ref MemoryMarshal.GetReference(dxr);
                Vector256<float> d = Vector256.Create(dot);
                for (; i <= cols - Vector256<float>.Count; i += Vector256<float>.Count)
                {
                    Vector256<float> g = Vector256.LoadUnsafe(ref dyp, (nuint)i) - d;
                    Vector256.FusedMultiplyAdd(Vector256.LoadUnsafe(ref yp, (nuint)i), g, Vector256.LoadUnsafe(ref dxp, (nuint)i))
                        .StoreUnsafe(ref dxp, (nuint)i);
                }
            }

            for (; i < cols; i++)
            {
                dxr[i] += yr[i] * (dyr[i] - dot);
            }
        }
    }
}
