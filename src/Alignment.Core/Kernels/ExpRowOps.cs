using System.Numerics.Tensors;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace Alignment.Kernels;

/// <summary>
/// Vectorised row primitives built on <see cref="SimdExp"/>: shifted exp sums (accumulated in double),
/// exp stores, and the stable log-sum-exp of a row.
/// </summary>
internal static class ExpRowOps
{
    private static int Width => Vector256<float>.Count;

    // x: [n]
    /// <summary>Sum of exp(x - shift), accumulated in double.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static double SumExp(ReadOnlySpan<float> x, float shift)
    {
        int i = 0;
        double sum = 0;
        if (Vector256.IsHardwareAccelerated && x.Length >= Width)
        {
            ref float xr = ref MemoryMarshal.GetReference(x);
            Vector256<float> s = Vector256.Create(shift);
            Vector256<double> a0 = Vector256<double>.Zero, a1 = Vector256<double>.Zero;
            for (; i <= x.Length - Width; i += Width)
            {
                (Vector256<double> lo, Vector256<double> hi) = Vector256.Widen(SimdExp.Exp(Vector256.LoadUnsafe(ref xr, (nuint)i) - s));
                a0 += lo;
                a1 += hi;
            }

            sum = Vector256.Sum(a0 + a1);
        }

        for (; i < x.Length; i++)
        {
            sum += MathF.Exp(x[i] - shift);
        }

        return sum;
    }

    // x, y: [n]
    /// <summary>
    /// y = softmax(x), the sum taken in double; y all 0 when every x is −∞ (nothing visible). x and y may be the same
    /// buffer. Returns false in that all-hidden case.
    /// </summary>
    public static bool Softmax(ReadOnlySpan<float> x, Span<float> y)
    {
        float max = RowOps.Max(x);
        if (float.IsNegativeInfinity(max))
        {
            y[..x.Length].Clear();
            return false;
        }

        double sum = ExpStore(x, max, y);
        TensorPrimitives.Multiply(y[..x.Length], (float)(1.0 / sum), y[..x.Length]);
        return true;
    }

    // x, y: [n]
    /// <summary>y = exp(x - shift), returning the sum of y in double. x and y may be the same buffer.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static double ExpStore(ReadOnlySpan<float> x, float shift, Span<float> y)
    {
        int i = 0;
        double sum = 0;
        if (Vector256.IsHardwareAccelerated && x.Length >= Width)
        {
            ref float xr = ref MemoryMarshal.GetReference(x);
            ref float yr = ref MemoryMarshal.GetReference(y);
            Vector256<float> s = Vector256.Create(shift);
            Vector256<double> a0 = Vector256<double>.Zero, a1 = Vector256<double>.Zero;
            for (; i <= x.Length - Width; i += Width)
            {
                Vector256<float> e = SimdExp.Exp(Vector256.LoadUnsafe(ref xr, (nuint)i) - s);
                e.StoreUnsafe(ref yr, (nuint)i);
                (Vector256<double> lo, Vector256<double> hi) = Vector256.Widen(e);
                a0 += lo;
                a1 += hi;
            }

            sum = Vector256.Sum(a0 + a1);
        }

        for (; i < x.Length; i++)
        {
            float e = MathF.Exp(x[i] - shift);
            y[i] = e;
            sum += e;
        }

        return sum;
    }

    // x: [n]
    /// <summary>
    /// Returns sum of e = exp(x - shift) and sets <paramref name="weighted"/> to the sum of e * (x - shift),
    /// both in double; elements with e == 0 (including x = -inf) contribute nothing to either.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static double SumExpWeighted(ReadOnlySpan<float> x, float shift, out double weighted)
    {
        int i = 0;
        double sum = 0, wsum = 0;
        if (Vector256.IsHardwareAccelerated && x.Length >= Width)
        {
            ref float xr = ref MemoryMarshal.GetReference(x);
            Vector256<float> s = Vector256.Create(shift);
            Vector256<double> a0 = Vector256<double>.Zero, a1 = Vector256<double>.Zero;
            Vector256<double> w0 = Vector256<double>.Zero, w1 = Vector256<double>.Zero;
            for (; i <= x.Length - Width; i += Width)
            {
                Vector256<float> d = Vector256.LoadUnsafe(ref xr, (nuint)i) - s;
                Vector256<float> e = SimdExp.Exp(d);
                Vector256<float> t = Vector256.ConditionalSelect(Vector256.Equals(e, Vector256<float>.Zero), Vector256<float>.Zero, e * d);
                (Vector256<double> elo, Vector256<double> ehi) = Vector256.Widen(e);
                (Vector256<double> tlo, Vector256<double> thi) = Vector256.Widen(t);
                a0 += elo;
                a1 += ehi;
                w0 += tlo;
                w1 += thi;
            }

            sum = Vector256.Sum(a0 + a1);
            wsum = Vector256.Sum(w0 + w1);
        }

        for (; i < x.Length; i++)
        {
            float d = x[i] - shift;
            float e = MathF.Exp(d);
            if (e != 0f)
            {
                sum += e;
                wsum += (double)e * d;
            }
        }

        weighted = wsum;
        return sum;
    }

    // x, dx: [n]
    /// <summary>dx += scale * exp(x - shift) when <paramref name="accumulate"/>, else dx = scale * exp(x - shift).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void ScaledExp(ReadOnlySpan<float> x, float shift, float scale, Span<float> dx, bool accumulate)
    {
        int i = 0;
        if (Vector256.IsHardwareAccelerated && x.Length >= Width)
        {
            ref float xr = ref MemoryMarshal.GetReference(x);
            ref float dr = ref MemoryMarshal.GetReference(dx);
            Vector256<float> s = Vector256.Create(shift);
            Vector256<float> g = Vector256.Create(scale);
            for (; i <= x.Length - Width; i += Width)
            {
                Vector256<float> e = SimdExp.Exp(Vector256.LoadUnsafe(ref xr, (nuint)i) - s);
                Vector256<float> y = accumulate ? Vector256.FusedMultiplyAdd(e, g, Vector256.LoadUnsafe(ref dr, (nuint)i)) : e * g;
                y.StoreUnsafe(ref dr, (nuint)i);
            }
        }

        for (; i < x.Length; i++)
        {
            float y = scale * MathF.Exp(x[i] - shift);
            dx[i] = accumulate ? dx[i] + y : y;
        }
    }

    // x: [n]
    /// <summary>Stable log(sum(exp(x))) of a row: -inf for an empty or all -inf row, +inf if any element is +inf.</summary>
    public static float LogSumExp(ReadOnlySpan<float> x)
    {
        float max = RowOps.Max(x);
        if (float.IsInfinity(max))
        {
            return max;
        }

        return (float)(max + Math.Log(SumExp(x, max)));
    }
}
