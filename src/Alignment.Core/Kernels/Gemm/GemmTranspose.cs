using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Alignment.Kernels;

/// <summary>8×8 in-register transpose (AVX) and the strided transposing copy built on it.</summary>
internal static unsafe class GemmTranspose
{
    /// <summary>Transposes the 8×8 block held row by row in <paramref name="r0"/>..<paramref name="r7"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Transpose8x8(
        ref Vector256<float> r0, ref Vector256<float> r1, ref Vector256<float> r2, ref Vector256<float> r3,
        ref Vector256<float> r4, ref Vector256<float> r5, ref Vector256<float> r6, ref Vector256<float> r7)
    {
        // Pairs of rows interleaved: t0 = r0[0] r1[0] r0[1] r1[1] | r0[4] r1[4] r0[5] r1[5], ...
        Vector256<float> t0 = Avx.UnpackLow(r0, r1);
        Vector256<float> t1 = Avx.UnpackHigh(r0, r1);
        Vector256<float> t2 = Avx.UnpackLow(r2, r3);
        Vector256<float> t3 = Avx.UnpackHigh(r2, r3);
        Vector256<float> t4 = Avx.UnpackLow(r4, r5);
        Vector256<float> t5 = Avx.UnpackHigh(r4, r5);
        Vector256<float> t6 = Avx.UnpackLow(r6, r7);
        Vector256<float> t7 = Avx.UnpackHigh(r6, r7);

        // Quads: s0 = column 0 of rows 0-3 | column 4 of rows 0-3, ...
        Vector256<float> s0 = Avx.Shuffle(t0, t2, 0x44);
        Vector256<float> s1 = Avx.Shuffle(t0, t2, 0xEE);
        Vector256<float> s2 = Avx.Shuffle(t1, t3, 0x44);
        Vector256<float> s3 = Avx.Shuffle(t1, t3, 0xEE);
        Vector256<float> s4 = Avx.Shuffle(t4, t6, 0x44);
        Vector256<float> s5 = Avx.Shuffle(t4, t6, 0xEE);
        Vector256<float> s6 = Avx.Shuffle(t5, t7, 0x44);
        Vector256<float> s7 = Avx.Shuffle(t5, t7, 0xEE);

        // Halves: rows 0-3 and rows 4-7 of each column joined.
        r0 = Avx.Permute2x128(s0, s4, 0x20);
        r1 = Avx.Permute2x128(s1, s5, 0x20);
        r2 = Avx.Permute2x128(s2, s6, 0x20);
        r3 = Avx.Permute2x128(s3, s7, 0x20);
        r4 = Avx.Permute2x128(s0, s4, 0x31);
        r5 = Avx.Permute2x128(s1, s5, 0x31);
        r6 = Avx.Permute2x128(s2, s6, 0x31);
        r7 = Avx.Permute2x128(s3, s7, 0x31);
    }

    /// <summary>
    /// Interleaves <paramref name="rows"/> (at most 8) source rows of length <paramref name="length"/>:
    /// dst[p·dstStride + r] = src[r·ld + p] for r &lt; rows, and 0 for rows ≤ r &lt; <paramref name="width"/>
    /// (width ≤ 8). Each 8-value store runs 8 - width values past its group; the next store overwrites them,
    /// and the last one needs 8 - width floats of slack after the destination.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Interleave8(float* src, nint ld, int rows, nint length, int width, float* dst, nint dstStride)
    {
        Vector256<float> zero = Vector256<float>.Zero;
        float* s0 = src;
        float* s1 = rows > 1 ? src + ld : null;
        float* s2 = rows > 2 ? src + (2 * ld) : null;
        float* s3 = rows > 3 ? src + (3 * ld) : null;
        float* s4 = rows > 4 ? src + (4 * ld) : null;
        float* s5 = rows > 5 ? src + (5 * ld) : null;
        float* s6 = rows > 6 ? src + (6 * ld) : null;
        float* s7 = rows > 7 ? src + (7 * ld) : null;
        nint p = 0;
        if (rows == 8)
        {
            for (; p + 8 <= length; p += 8)
            {
                Vector256<float> r0 = Vector256.Load(s0 + p);
                Vector256<float> r1 = Vector256.Load(s1 + p);
                Vector256<float> r2 = Vector256.Load(s2 + p);
                Vector256<float> r3 = Vector256.Load(s3 + p);
                Vector256<float> r4 = Vector256.Load(s4 + p);
                Vector256<float> r5 = Vector256.Load(s5 + p);
                Vector256<float> r6 = Vector256.Load(s6 + p);
                Vector256<float> r7 = Vector256.Load(s7 + p);
                Transpose8x8(ref r0, ref r1, ref r2, ref r3, ref r4, ref r5, ref r6, ref r7);
                StoreColumns(dst + (p * dstStride), dstStride, r0, r1, r2, r3, r4, r5, r6, r7);
            }
        }
        else
        {
            for (; p + 8 <= length; p += 8)
            {
                Vector256<float> r0 = Vector256.Load(s0 + p);
                Vector256<float> r1 = rows > 1 ? Vector256.Load(s1 + p) : zero;
                Vector256<float> r2 = rows > 2 ? Vector256.Load(s2 + p) : zero;
                Vector256<float> r3 = rows > 3 ? Vector256.Load(s3 + p) : zero;
                Vector256<float> r4 = rows > 4 ? Vector256.Load(s4 + p) : zero;
                Vector256<float> r5 = rows > 5 ? Vector256.Load(s5 + p) : zero;
                Vector256<float> r6 = rows > 6 ? Vector256.Load(s6 + p) : zero;
                Vector256<float> r7 = zero;
                Transpose8x8(ref r0, ref r1, ref r2, ref r3, ref r4, ref r5, ref r6, ref r7);
                StoreColumns(dst + (p * dstStride), dstStride, r0, r1, r2, r3, r4, r5, r6, r7);
            }
        }

        for (; p < length; p++)
        {
            float* d = dst + (p * dstStride);
            for (int r = 0; r < width; r++)
            {
                d[r] = r < rows ? src[(r * ld) + p] : 0f;
            }
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void StoreColumns(float* d, nint stride,
        Vector256<float> v0, Vector256<float> v1, Vector256<float> v2, Vector256<float> v3,
        Vector256<float> v4, Vector256<float> v5, Vector256<float> v6, Vector256<float> v7)
    {
        // Ascending order: a store that runs past its group is overwritten by the next one.
        Vector256.Store(v0, d);
        Vector256.Store(v1, d + stride);
        Vector256.Store(v2, d + (2 * stride));
        Vector256.Store(v3, d + (3 * stride));
        Vector256.Store(v4, d + (4 * stride));
        Vector256.Store(v5, d + (5 * stride));
        Vector256.Store(v6, d + (6 * stride));
        Vector256.Store(v7, d + (7 * stride));
    }
}
