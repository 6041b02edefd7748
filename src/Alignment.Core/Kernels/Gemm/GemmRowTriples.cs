using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Alignment.Kernels;

/// <summary>
/// A layout of Bᵀ [n, k] for products with few rows (<see cref="GemmSmallMDot"/>, which reads rows of B three at a
/// time): every row is <see cref="PaddedLength"/>(k) floats long (zeros after k), and each group of three rows
/// 3t, 3t+1, 3t+2 is interleaved by segments of <see cref="Segment"/>: segment s of row 3t+r is at
/// 3t·kp + 24s + 8r. The three rows a kernel call reads are then one sequential stream instead of three, which
/// streams from memory faster (a gpt2-124M decode step's block products: 18 against 20 ms). The last n mod 3 rows
/// are plain rows, row j at j·kp, as they would be in a [n, kp] matrix; so is every triple's start. The values are
/// float32 or, in half the bytes, bfloat16 (<see cref="IDecodeElement{T}"/>).
/// </summary>
internal static unsafe class GemmRowTriples
{
    /// <summary>Values per segment: one 256-bit vector.</summary>
    public const int Segment = 8;

    private const int Group = 3;

    /// <summary>The padded row length kp: <paramref name="k"/> rounded up to a multiple of <see cref="Segment"/>.</summary>
    public static int PaddedLength(int k) => (k + Segment - 1) / Segment * Segment;

    /// <summary>Where value p of row j of Bᵀ [n, k] lies in the layout (kp = <see cref="PaddedLength"/>(k)).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static long Index(int j, int p, int n, int paddedLength)
    {
        int interleavedRows = n - (n % Group);
        return j < interleavedRows
            ? ((long)(j / Group) * Group * paddedLength) + ((p / Segment) * Group * Segment) + ((j % Group) * Segment) + (p % Segment)
            : ((long)j * paddedLength) + p;
    }

    /// <summary>
    /// Lays out the transpose of the row-major [k, n] matrix <paramref name="w"/> (the x·W form, W [in, out]):
    /// dst[Index(j, p)] = w[p·n + j], and zeros in the padding. <paramref name="dst"/> holds n·kp floats.
    /// Eight rows of w at a time go through the 8×8 in-register transpose; with <paramref name="parallel"/>, a large
    /// matrix splits its row groups across the worker team.
    /// </summary>
    public static void PackTransposed(float* w, int k, int n, float* dst, bool parallel) =>
        PackTransposed<float, Float32Element>(w, k, n, dst, parallel);

    /// <summary>
    /// <see cref="PackTransposed(float*, int, int, float*, bool)"/> into bfloat16 bit patterns, each value rounded to
    /// nearest even (<see cref="BFloat16Element"/>); <paramref name="dst"/> holds n·kp of them.
    /// </summary>
    public static void PackTransposedBFloat16(float* w, int k, int n, ushort* dst, bool parallel) =>
        PackTransposed<ushort, BFloat16Element>(w, k, n, dst, parallel);

    /// <summary>
    /// Lays out the row-major [n, k] matrix <paramref name="b"/> (already Bᵀ, as a [out, in] weight or a tied embedding
    /// is): dst[Index(j, p)] = b[j·k + p], and zeros in the padding. <paramref name="dst"/> holds n·kp floats. With
    /// <paramref name="parallel"/>, a large matrix splits its triples across the worker team.
    /// </summary>
    public static void PackRows(float* b, int n, int k, float* dst, bool parallel) =>
        PackRows<float, Float32Element>(b, n, k, dst, parallel);

    /// <summary>
    /// <see cref="PackRows(float*, int, int, float*, bool)"/> into bfloat16 bit patterns, each value rounded to nearest
    /// even (<see cref="BFloat16Element"/>); <paramref name="dst"/> holds n·kp of them.
    /// </summary>
    public static void PackRowsBFloat16(float* b, int n, int k, ushort* dst, bool parallel) =>
        PackRows<ushort, BFloat16Element>(b, n, k, dst, parallel);

    private static void PackTransposed<T, TElement>(float* w, int k, int n, T* dst, bool parallel)
        where T : unmanaged
        where TElement : IDecodeElement<T>
    {
        int paddedLength = PaddedLength(k);
        int groups = k / Segment;
        ForEach(groups, (long)k * n, parallel, g => PackGroup<T, TElement>(w, n, g * Segment, paddedLength, dst));

        // The last rows of w (fewer than eight), then the padding.
        for (int p = groups * Segment; p < paddedLength; p++)
        {
            for (int j = 0; j < n; j++)
            {
                dst[Index(j, p, n, paddedLength)] = p < k ? TElement.FromSingle(w[((long)p * n) + j]) : default;
            }
        }
    }

    // Rows p0..p0+7 of w. Twenty-four columns (eight whole triples) at a time: three 8×8 blocks transposed in
    // registers, each column's eight values stored as one segment of its row of Bᵀ; the columns left (fewer than
    // twenty-four) value by value.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void PackGroup<T, TElement>(float* w, int n, int p0, int paddedLength, T* dst)
        where T : unmanaged
        where TElement : IDecodeElement<T>
    {
        float* s = w + ((long)p0 * n);
        nint tripleLength = (nint)Group * paddedLength;
        int j = 0;
        for (; j + (Group * Segment) <= n - (n % Group); j += Group * Segment)
        {
            // Triple j/3 + t starts at (j/3 + t)·3kp; this group's segment in it at 24·(p0/8) = 3·p0.
            T* triples = dst + ((j / Group) * tripleLength) + (Group * p0);
            PackBlock<T, TElement>(s + j, n, triples, tripleLength, 0);
            PackBlock<T, TElement>(s + j + Segment, n, triples, tripleLength, Segment);
            PackBlock<T, TElement>(s + j + (2 * Segment), n, triples, tripleLength, 2 * Segment);
        }

        for (; j < n; j++)
        {
            T* segment = dst + Index(j, p0, n, paddedLength);
            for (int q = 0; q < Segment; q++)
            {
                segment[q] = TElement.FromSingle(s[((long)q * n) + j]);
            }
        }
    }

    // Eight columns c0..c0+7 (c0 = 0, 8 or 16 within a run of eight triples) of eight rows of w, ld = n: column c
    // goes to triple c/3, row c mod 3 of it, at triples + (c/3)·tripleLength + 8·(c mod 3).
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void PackBlock<T, TElement>(float* s, nint n, T* triples, nint tripleLength, int c0)
        where T : unmanaged
        where TElement : IDecodeElement<T>
    {
        Vector256<float> r0 = Vector256.Load(s);
        Vector256<float> r1 = Vector256.Load(s + n);
        Vector256<float> r2 = Vector256.Load(s + (2 * n));
        Vector256<float> r3 = Vector256.Load(s + (3 * n));
        Vector256<float> r4 = Vector256.Load(s + (4 * n));
        Vector256<float> r5 = Vector256.Load(s + (5 * n));
        Vector256<float> r6 = Vector256.Load(s + (6 * n));
        Vector256<float> r7 = Vector256.Load(s + (7 * n));
        GemmTranspose.Transpose8x8(ref r0, ref r1, ref r2, ref r3, ref r4, ref r5, ref r6, ref r7);
        TElement.Store(r0, Column(triples, tripleLength, c0));
        TElement.Store(r1, Column(triples, tripleLength, c0 + 1));
        TElement.Store(r2, Column(triples, tripleLength, c0 + 2));
        TElement.Store(r3, Column(triples, tripleLength, c0 + 3));
        TElement.Store(r4, Column(triples, tripleLength, c0 + 4));
        TElement.Store(r5, Column(triples, tripleLength, c0 + 5));
        TElement.Store(r6, Column(triples, tripleLength, c0 + 6));
        TElement.Store(r7, Column(triples, tripleLength, c0 + 7));
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static T* Column<T>(T* triples, nint tripleLength, int c)
        where T : unmanaged =>
        triples + ((c / Group) * tripleLength) + ((c % Group) * Segment);

    private static void PackRows<T, TElement>(float* b, int n, int k, T* dst, bool parallel)
        where T : unmanaged
        where TElement : IDecodeElement<T>
    {
        int paddedLength = PaddedLength(k);
        int triples = n / Group;
        ForEach(triples, (long)k * n, parallel, t =>
        {
            for (int r = 0; r < Group; r++)
            {
                PackRow<T, TElement>(b, n, k, (t * Group) + r, paddedLength, dst);
            }
        });

        for (int j = triples * Group; j < n; j++)
        {
            PackRow<T, TElement>(b, n, k, j, paddedLength, dst);
        }
    }

    // Row j of b: whole segments of eight as vectors, then the values left and the padding one by one.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void PackRow<T, TElement>(float* b, int n, int k, int j, int paddedLength, T* dst)
        where T : unmanaged
        where TElement : IDecodeElement<T>
    {
        float* row = b + ((long)j * k);
        int p = 0;
        for (; p + Segment <= k; p += Segment)
        {
            TElement.Store(Vector256.Load(row + p), dst + Index(j, p, n, paddedLength));
        }

        for (; p < paddedLength; p++)
        {
            dst[Index(j, p, n, paddedLength)] = p < k ? TElement.FromSingle(row[p]) : default;
        }
    }

    // body(0..count-1); with parallel, split into chunks across the worker team when the work (values moved) is large.
    private static void ForEach(int count, long work, bool parallel, Action<int> body)
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
