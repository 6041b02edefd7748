using System.Numerics.Tensors;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace Alignment.Kernels;

internal static partial class SoftmaxKernels
{
    // x, y: [rows, cols]
    /// <summary>y = x - logsumexp(x) along cols. A row of all -inf gives all -inf.</summary>
    public static void LogSoftmaxForward(ReadOnlySpan<float> x, Span<float> y, int rows, int cols)
    {
        long n = CheckShape(rows, cols);
        KernelGuard.Length(x.Length, n, nameof(x));
        KernelGuard.Length(y.Length, n, nameof(y));
        ForEachRows(x, y, rows, cols, n, LogSoftmaxForwardRows);
    }

    // y, dy, dx: [rows, cols]
    /// <summary>dx += dy - exp(y) * sum(dy) for each row (y is the log-softmax output).</summary>
    public static void LogSoftmaxBackward(ReadOnlySpan<float> y, ReadOnlySpan<float> dy, Span<float> dx, int rows, int cols)
    {
        long n = CheckShape(rows, cols);
        KernelGuard.Length(y.Length, n, nameof(y));
        KernelGuard.Length(dy.Length, n, nameof(dy));
        KernelGuard.Length(dx.Length, n, nameof(dx));
        ForEachRows(y, dy, dx, rows, cols, n, LogSoftmaxBackwardRows);
    }

    // x, y: [rows, cols]
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void LogSoftmaxForwardRows(ReadOnlySpan<float> x, Span<float> y, int cols, int start, int end)
    {
        for (int r = start; r < end; r++)
        {
            ReadOnlySpan<float> xr = x.Slice(r * cols, cols);
            Span<float> yr = y.Slice(r * cols, cols);
            float lse = ExpRowOps.LogSumExp(xr);
            if (float.IsNegativeInfinity(lse))
            {
                yr.Fill(float.NegativeInfinity);
                continue;
            }

            TensorPrimitives.Subtract(xr, lse, yr);
        }
    }

    // y, dy, dx: [rows, cols]
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void LogSoftmaxBackwardRows(ReadOnlySpan<float> y, ReadOnlySpan<float> dy, Span<float> dx, int cols, int start, int end)
    {
        for (int r = start; r < end; r++)
        {
            ReadOnlySpan<float> yr = y.Slice(r * cols, cols);
            ReadOnlySpan<float> dyr = dy.Slice(r * cols, cols);
            Span<float> dxr = dx.Slice(r * cols, cols);
            float sum = (float)RowOps.Sum(dyr);
            int i = 0;
            if (Vector256.IsHardwareAccelerated && cols >= Vector256<float>.Count)
            {
                ref float yp = ref MemoryMarshal.GetReference(yr);
                ref float dyp = ref MemoryMarshal.GetReference(dyr);
                ref float dxp = ref MemoryMarshal.GetReference(dxr);
                Vector256<float> negSum = Vector256.Create(-sum);
                for (; i <= cols - Vector256<float>.Count; i += Vector256<float>.Count)
                {
                    Vector256<float> p = SimdExp.Exp(Vector256.LoadUnsafe(ref yp, (nuint)i));
                    Vector256<float> acc = Vector256.LoadUnsafe(ref dxp, (nuint)i) + Vector256.LoadUnsafe(ref dyp, (nuint)i);
                    Vector256.FusedMultiplyAdd(p, negSum, acc).StoreUnsafe(ref dxp, (nuint)i);
                }
            }

            for (; i < cols; i++)
            {
                dxr[i] += dyr[i] - (MathF.Exp(yr[i]) * sum);
            }
        }
    }
}
