using System.Numerics.Tensors;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace Alignment.Kernels;

/// <summary>
/// Vectorised single-row primitives shared by the kernels. Reductions over a row accumulate in double
/// (each float lane widened) so that sums over long rows such as a 50k vocabulary stay accurate.
/// </summary>
internal static class RowOps
{
    private static int Width => Vector256<float>.Count;

    // x: [n]
    /// <summary>Maximum of the row (NaN if any element is NaN, -inf for an empty row).</summary>
    public static float Max(ReadOnlySpan<float> x) => x.IsEmpty ? float.NegativeInfinity : TensorPrimitives.Max(x);

    // x: [n]
    /// <summary>Sum of the row, accumulated in double.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static double Sum(ReadOnlySpan<float> x)
    {
        int i = 0;
        double sum = 0;
        if (Vector256.IsHardwareAccelerated && x.Length >= Width)
        {
            ref float xr = ref MemoryMarshal.GetReference(x);
            Vector256<double> a0 = Vector256<double>.Zero, a1 = Vector256<double>.Zero;
            for (; i <= x.Length - Width; i += Width)
            {
                (Vector256<double> lo, Vector256<double> hi) = Vector256.Widen(Vector256.LoadUnsafe(ref xr, (nuint)i));
                a0 += lo;
                a1 += hi;
            }

            sum = Vector256.Sum(a0 + a1);
        }

        for (; i < x.Length; i++)
        {
            sum += x[i];
        }

        return sum;
    }

    // a, b: [n]
    /// <summary>Dot product of two rows of equal length, accumulated in double.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static double Dot(ReadOnlySpan<float> a, ReadOnlySpan<float> b)
    {
        int i = 0;
        double sum = 0;
        if (Vector256.IsHardwareAccelerated && a.Length >= Width)
        {
            ref float ar = ref MemoryMarshal.GetReference(a);
            ref float br = ref MemoryMarshal.GetReference(b);
            Vector256<double> a0 = Vector256<double>.Zero, a1 = Vector256<double>.Zero;
            for (; i <= a.Length - Width; i += Width)
            {
                Vector256<float> p = Vector256.LoadUnsafe(ref ar, (nuint)i) * Vector256.LoadUnsafe(ref br, (nuint)i);
                (Vector256<double> lo, Vector256<double> hi) = Vector256.Widen(p);
                a0 += lo;
                a1 += hi;
            }

            sum = Vector256.Sum(a0 + a1);
        }

        for (; i < a.Length; i++)
        {
            sum += (double)a[i] * b[i];
        }

        return sum;
    }

    // a, b: [n]
    /// <summary>Float dot product for short rows (attention head dimension).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float DotShort(ReadOnlySpan<float> a, ReadOnlySpan<float> b)
    {
        int i = 0;
        float sum = 0;
        if (Vector256.IsHardwareAccelerated && a.Length >= Width)
        {
            ref float ar = ref MemoryMarshal.GetReference(a);
            ref float br = ref MemoryMarshal.GetReference(b);
            Vector256<float> acc = Vector256<float>.Zero;
            for (; i <= a.Length - Width; i += Width)
            {
                acc = Vector256.FusedMultiplyAdd(Vector256.LoadUnsafe(ref ar, (nuint)i), Vector256.LoadUnsafe(ref br, (nuint)i), acc);
            }

            sum = Vector256.Sum(acc);
        }

        for (; i < a.Length; i++)
        {
            sum += a[i] * b[i];
        }

        return sum;
    }

    // x, y: [n]
    /// <summary>y += alpha * x.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Axpy(float alpha, ReadOnlySpan<float> x, Span<float> y)
    {
        int i = 0;
        if (Vector256.IsHardwareAccelerated && x.Length >= Width)
        {
            ref float xr = ref MemoryMarshal.GetReference(x);
            ref float yr = ref MemoryMarshal.GetReference(y);
            Vector256<float> a = Vector256.Create(alpha);
            for (; i <= x.Length - Width; i += Width)
            {
                Vector256.FusedMultiplyAdd(a, Vector256.LoadUnsafe(ref xr, (nuint)i), Vector256.LoadUnsafe(ref yr, (nuint)i))
                    .StoreUnsafe(ref yr, (nuint)i);
            }
        }

        for (; i < x.Length; i++)
        {
            y[i] += alpha * x[i];
        }
    }
}
