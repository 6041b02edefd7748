using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Alignment.Kernels;

/// <summary>
/// A layout of B [k, n] for products with few rows (<see cref="GemmSmallMPanels"/>): the columns in panels of
/// <see cref="Width"/>, panel p holding, for each p′ = 0..k−1 in turn, the values B[p′, 24p .. 24p+23]; the last
/// panel is padded with zero columns. Value (p′, j) lies at (j / 24)·24k + 24p′ + j mod 24, and a panel is one
/// sequential stream of 24k values. The values are float32 or, in half the bytes, bfloat16 (<see cref="IDecodeElement{T}"/>).
/// </summary>
internal static unsafe class GemmColumnPanels
{
    /// <summary>Columns per panel: three 256-bit vectors.</summary>
    public const int Width = 24;

    private const int Block = 8;

    /// <summary>The number of panels for <paramref name="n"/> columns.</summary>
    public static int Count(int n) => (n + Width - 1) / Width;

    /// <summary>The values the layout of a [k, n] matrix holds: whole panels.</summary>
    public static long Length(int k, int n) => (long)Count(n) * Width * k;

    /// <summary>Where value (p, j) of B [k, n] lies in the layout.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static long Index(int p, int j, int k) => ((long)(j / Width) * Width * k) + ((long)p * Width) + (j % Width);

    /// <summary>
    /// Lays out the row-major [k, n] matrix <paramref name="w"/> (B itself: the x·W form, W [in, out]): dst[Index(p, j)]
    /// = w[p·n + j], zeros in the padding columns. <paramref name="dst"/> holds <see cref="Length"/>(k, n) values.
    /// With <paramref name="parallel"/>, a large matrix splits its panels across the worker team.
    /// </summary>
    public static void PackInOut(float* w, int k, int n, float* dst, bool parallel) => PackInOut<float, Float32Element>(w, k, n, dst, parallel);

    /// <summary><see cref="PackInOut(float*, int, int, float*, bool)"/> into bfloat16 bit patterns, each value rounded to nearest even.</summary>
    public static void PackInOutBFloat16(float* w, int k, int n, ushort* dst, bool parallel) => PackInOut<ushort, BFloat16Element>(w, k, n, dst, parallel);

    /// <summary>
    /// Lays out B = bᵀ for the row-major [n, k] matrix <paramref name="b"/> (a [out, in] weight or a tied embedding):
    /// dst[Index(p, j)] = b[j·k + p], zeros in the padding columns. Eight rows of b at a time go through the 8×8
    /// in-register transpose. With <paramref name="parallel"/>, a large matrix splits its panels across the worker team.
    /// </summary>
    public static void PackOutIn(float* b, int n, int k, float* dst, bool parallel) => PackOutIn<float, Float32Element>(b, n, k, dst, parallel);

    /// <summary><see cref="PackOutIn(float*, int, int, float*, bool)"/> into bfloat16 bit patterns, each value rounded to nearest even.</summary>
    public static void PackOutInBFloat16(float* b, int n, int k, ushort* dst, bool parallel) => PackOutIn<ushort, BFloat16Element>(b, n, k, dst, parallel);

    private static void PackInOut<T, TElement>(float* w, int k, int n, T* dst, bool parallel)
        where T : unmanaged
        where TElement : IDecodeElement<T>
    {
        int panels = Count(n);
        ForEachPanel(panels, (long)k * n, parallel, panel =>
        {
            int j0 = panel * Width;
            int width = Math.Min(Width, n - j0);
            T* d = dst + ((long)panel * Width * k);
            for (int p = 0; p < k; p++, d += Width)
            {
                float* s = w + ((long)p * n) + j0;
                if (width == Width)
                {
                    TElement.Store(Vector256.Load(s), d);
                    TElement.Store(Vector256.Load(s + Block), d + Block);
                    TElement.Store(Vector256.Load(s + (2 * Block)), d + (2 * Block));
                    continue;
                }

                for (int c = 0; c < Width; c++)
                {
                    d[c] = c < width ? TElement.FromSingle(s[c]) : default;
                }
            }
        });
    }

    private static void PackOutIn<T, TElement>(float* b, int n, int k, T* dst, bool parallel)
        where T : unmanaged
        where TElement : IDecodeElement<T>
    {
        int panels = Count(n);
        ForEachPanel(panels, (long)k * n, parallel, panel =>
        {
            T* d = dst + ((long)panel * Width * k);
            for (int c0 = 0; c0 < Width; c0 += Block)
            {
                int j0 = (panel * Width) + c0;
                int rows = Math.Clamp(n - j0, 0, Block);
                int p = 0;
                if (rows == Block)
                {
                    for (; p + Block <= k; p += Block)
                    {
                        TransposeBlock<T, TElement>(b + ((long)j0 * k) + p, k, d + ((long)p * Width) + c0);
                    }
                }

                // Columns past n (zero) and the last values of k, one by one.
                for (; p < k; p++)
                {
                    for (int c = 0; c < Block; c++)
                    {
                        d[((long)p * Width) + c0 + c] = c < rows ? TElement.FromSingle(b[((long)(j0 + c) * k) + p]) : default;
                    }
                }
            }
        });
    }

    // Eight rows of b (ld apart), eight values each: value (r, q) to d[q·24 + r].
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void TransposeBlock<T, TElement>(float* s, nint ld, T* d)
        where T : unmanaged
        where TElement : IDecodeElement<T>
    {
        Vector256<float> r0 = Vector256.Load(s);
        Vector256<float> r1 = Vector256.Load(s + ld);
        Vector256<float> r2 = Vector256.Load(s + (2 * ld));
        Vector256<float> r3 = Vector256.Load(s + (3 * ld));
        Vector256<float> r4 = Vector256.Load(s + (4 * ld));
        Vector256<float> r5 = Vector256.Load(s + (5 * ld));
        Vector256<float> r6 = Vector256.Load(s + (6 * ld));
        Vector256<float> r7 = Vector256.Load(s + (7 * ld));
        GemmTranspose.Transpose8x8(ref r0, ref r1, ref r2, ref r3, ref r4, ref r5, ref r6, ref r7);
        TElement.Store(r0, d);
        TElement.Store(r1, d + Width);
        TElement.Store(r2, d + (2 * Width));
        TElement.Store(r3, d + (3 * Width));
        TElement.Store(r4, d + (4 * Width));
        TElement.Store(r5, d + (5 * Width));
        TElement.Store(r6, d + (6 * Width));
        TElement.Store(r7, d + (7 * Width));
    }

    // body(0..count-1); with parallel, split into chunks across the worker team when the work (values moved) is large.
    private static void ForEachPanel(int count, long work, bool parallel, Action<int> body)
    {
        int chunks = parallel ? KernelParallel.ChunkCount(count, work) : 1;
        KernelParallel.For(count, chunks, (i0, i1) =>
        {
            for (int i = i0; i < i1; i++)
            {
                body(i);
            }
        });
    }
}
