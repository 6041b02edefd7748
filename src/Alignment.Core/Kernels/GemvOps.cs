using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace Alignment.Kernels;

/// <summary>
/// Register-blocked matrix-vector micro-kernels over short rows (attention head dimension):
/// dots of one vector against several rows at once, and weighted sums of rows kept in registers.
/// </summary>
internal static class GemvOps
{
    private const int W = 8;

    // vector: [d]; rows: [count, d]; output: [count]
    /// <summary>output[j] = scale * (vector · rows[j]), four rows per step so the vector is loaded once.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void DotRows(ReadOnlySpan<float> vector, ReadOnlySpan<float> rows, Span<float> output, float scale)
    {
        int d = vector.Length;
        int count = output.Length;
        if (rows.Length < count * d)
        {
            throw new ArgumentException("rows is shorter than count * d.", nameof(rows));
        }

        int j = 0;
        if (Vector256.IsHardwareAccelerated && d >= W)
        {
            for (; j <= count - 4; j += 4)
            {
                Dot4(vector, rows.Slice(j * d, 4 * d), output.Slice(j, 4), scale);
            }
        }

        for (; j < count; j++)
        {
            output[j] = scale * RowOps.DotShort(vector, rows.Slice(j * d, d));
        }
    }

    // weights: [count]; rows: [count, d]; dest: [d]
    /// <summary>dest += sum_j weights[j] * rows[j]; zero weights are skipped.</summary>
    public static void AccumulateRows(ReadOnlySpan<float> weights, ReadOnlySpan<float> rows, Span<float> dest) =>
        AccumulateRows(weights, rows, dest, 0, dest.Length);

    /// <summary>
    /// dest[k] += sum_j weights[j] * rows[j, k] for k in [<paramref name="start"/>, <paramref name="end"/>), rows of
    /// dest.Length values, adding the rows in order (a weight of 1 adds the value exactly, as an addition would);
    /// zero weights are skipped.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void AccumulateRows(ReadOnlySpan<float> weights, ReadOnlySpan<float> rows, Span<float> dest, int start, int end)
    {
        int d = dest.Length;
        if (rows.Length < (long)weights.Length * d)
        {
            throw new ArgumentException("rows is shorter than count * d.", nameof(rows));
        }

        if (start < 0 || end > d || start > end)
        {
            throw new ArgumentOutOfRangeException(nameof(start), "The column range must lie within dest.");
        }

        int k = start;
        if (Vector256.IsHardwareAccelerated)
        {
            for (; k <= end - (8 * W); k += 8 * W)
            {
                AccumulateBlock64(weights, rows, dest, k);
            }

            for (; k <= end - W; k += W)
            {
                AccumulateBlock8(weights, rows, dest, k);
            }
        }

        for (; k < end; k++)
        {
            float s = dest[k];
            for (int j = 0; j < weights.Length; j++)
            {
                if (weights[j] != 0f)
                {
                    s += weights[j] * rows[(j * d) + k];
                }
            }

            dest[k] = s;
        }
    }

    // vector: [d]; rows: [4, d]; output: [4]
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Dot4(ReadOnlySpan<float> vector, ReadOnlySpan<float> rows, Span<float> output, float scale)
    {
        int d = vector.Length;
        ref float v = ref MemoryMarshal.GetReference(vector);
        ref float r = ref MemoryMarshal.GetReference(rows);
        nuint n = (nuint)d;
        Vector256<float> a0 = Vector256<float>.Zero, a1 = a0, a2 = a0, a3 = a0;
        int k = 0;
        for (; k <= d - W; k += W)
        {
            nuint o = (nuint)k;
            Vector256<float> x = Vector256.LoadUnsafe(ref v, o);
            a0 = Vector256.FusedMultiplyAdd(x, Vector256.LoadUnsafe(ref r, o), a0);
            a1 = Vector256.FusedMultiplyAdd(x, Vector256.LoadUnsafe(ref r, o + n), a1);
            a2 = Vector256.FusedMultiplyAdd(x, Vector256.LoadUnsafe(ref r, o + (2 * n)), a2);
            a3 = Vector256.FusedMultiplyAdd(x, Vector256.LoadUnsafe(ref r, o + (3 * n)), a3);
        }

        float s0 = Vector256.Sum(a0), s1 = Vector256.Sum(a1), s2 = Vector256.Sum(a2), s3 = Vector256.Sum(a3);
        for (; k < d; k++)
        {
            float x = vector[k];
            s0 += x * rows[k];
            s1 += x * rows[d + k];
            s2 += x * rows[(2 * d) + k];
            s3 += x * rows[(3 * d) + k];
        }

        output[0] = scale * s0;
        output[1] = scale * s1;
        output[2] = scale * s2;
        output[3] = scale * s3;
    }

    // weights: [count]; rows: [count, d]; dest: [d]; updates dest[k .. k + 64)
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void AccumulateBlock64(ReadOnlySpan<float> weights, ReadOnlySpan<float> rows, Span<float> dest, int k)
    {
        int d = dest.Length;
        ref float r = ref MemoryMarshal.GetReference(rows);
        ref float t = ref MemoryMarshal.GetReference(dest);
        nuint o = (nuint)k;
        Vector256<float> a0 = Vector256.LoadUnsafe(ref t, o), a1 = Vector256.LoadUnsafe(ref t, o + 8);
        Vector256<float> a2 = Vector256.LoadUnsafe(ref t, o + 16), a3 = Vector256.LoadUnsafe(ref t, o + 24);
        Vector256<float> a4 = Vector256.LoadUnsafe(ref t, o + 32), a5 = Vector256.LoadUnsafe(ref t, o + 40);
        Vector256<float> a6 = Vector256.LoadUnsafe(ref t, o + 48), a7 = Vector256.LoadUnsafe(ref t, o + 56);
        for (int j = 0; j < weights.Length; j++)
        {
            float w = weights[j];
            if (w == 0f)
            {
                continue;
            }

            Vector256<float> wv = Vector256.Create(w);
            nuint b = (nuint)(j * d) + o;
            a0 = Vector256.FusedMultiplyAdd(wv, Vector256.LoadUnsafe(ref r, b), a0);
            a1 = Vector256.FusedMultiplyAdd(wv, Vector256.LoadUnsafe(ref r, b + 8), a1);
            a2 = Vector256.FusedMultiplyAdd(wv, Vector256.LoadUnsafe(ref r, b + 16), a2);
            a3 = Vector256.FusedMultiplyAdd(wv, Vector256.LoadUnsafe(ref r, b + 24), a3);
            a4 = Vector256.FusedMultiplyAdd(wv, Vector256.LoadUnsafe(ref r, b + 32), a4);
            a5 = Vector256.FusedMultiplyAdd(wv, Vector256.LoadUnsafe(ref r, b + 40), a5);
            a6 = Vector256.FusedMultiplyAdd(wv, Vector256.LoadUnsafe(ref r, b + 48), a6);
            a7 = Vector256.FusedMultiplyAdd(wv, Vector256.LoadUnsafe(ref r, b + 56), a7);
        }

        a0.StoreUnsafe(ref t, o);
        a1.StoreUnsafe(ref t, o + 8);
        a2.StoreUnsafe(ref t, o + 16);
        a3.StoreUnsafe(ref t, o + 24);
        a4.StoreUnsafe(ref t, o + 32);
        a5.StoreUnsafe(ref t, o + 40);
        a6.StoreUnsafe(ref t, o + 48);
        a7.StoreUnsafe(ref t, o + 56);
    }

    // weights: [count]; rows: [count, d]; dest: [d]; updates dest[k .. k + 8)
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void AccumulateBlock8(ReadOnlySpan<float> weights, ReadOnlySpan<float> rows, Span<float> dest, int k)
    {
        int d = dest.Length;
        ref float r = ref MemoryMarshal.GetReference(rows);
        ref float t = ref MemoryMarshal.GetReference(dest);
        nuint o = (nuint)k;
        Vector256<float> a = Vector256.LoadUnsafe(ref t, o);
        for (int j = 0; j < weights.Length; j++)
        {
            float w = weights[j];
            if (w != 0f)
            {
                a = Vector256.FusedMultiplyAdd(Vector256.Create(w), Vector256.LoadUnsafe(ref r, (nuint)(j * d) + o), a);
            }
        }

        a.StoreUnsafe(ref t, o);
    }
}
