using System.Buffers;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics.X86;

namespace Alignment.Kernels;

/// <summary>
/// Causal attention of new positions over a key/value cache laid out [B, capacity, C] (C = H·D: the heads side by side
/// at every position, as the fused q/k/v projection writes them). The queries are read straight from that projection
/// [B, T, 3C] and the output is written [B, T, C], so nothing is split into heads or merged back. Each query reads every
/// cached position it sees once, for all heads together: one sequential stream of keys and one of values per batch row,
/// which matters when decoding, where reading the cache is most of the work.
/// </summary>
internal static unsafe class CachedAttentionKernels
{
    private const int CacheLine = 64;

    /// <summary>
    /// output = softmax(scale·q·kᵀ + mask)·v per head. Query i of a row sits at absolute position
    /// <paramref name="past"/> + i and sees the cached positions j ≤ past + i whose <paramref name="keyMask"/> entry is
    /// not 0 (every one when the mask is empty). A query that sees no key gets 0.
    /// </summary>
    /// <param name="qkv">The fused projection of the new positions, [B, T, 3C] (q, k, v side by side).</param>
    /// <param name="keys">The key cache, [B, capacity, C], holding at least past + T positions.</param>
    /// <param name="values">The value cache, [B, capacity, C].</param>
    /// <param name="keyMask">Empty, or [B, capacity]: 0 hides a position.</param>
    /// <param name="output">[B, T, C].</param>
    /// <param name="batch">B.</param>
    /// <param name="heads">H.</param>
    /// <param name="length">T, the new positions.</param>
    /// <param name="headDim">D.</param>
    /// <param name="capacity">Positions the cache holds per row.</param>
    /// <param name="past">Positions cached before the new ones.</param>
    /// <param name="scale">Factor on the scores (usually 1/√D).</param>
    public static void Forward(ReadOnlySpan<float> qkv, ReadOnlySpan<float> keys, ReadOnlySpan<float> values, ReadOnlySpan<float> keyMask,
        Span<float> output, int batch, int heads, int length, int headDim, int capacity, int past, float scale)
    {
        var shape = AttentionShape.Create(batch, heads, length, capacity, headDim);
        KernelGuard.NonNegative(past, nameof(past));
        if ((long)past + length > capacity)
        {
            throw new ArgumentException($"past ({past}) + length ({length}) exceeds the capacity ({capacity}).", nameof(length));
        }

        KernelGuard.Length(qkv.Length, 3 * shape.QueryElements, nameof(qkv));
        KernelGuard.Length(keys.Length, shape.KeyElements, nameof(keys));
        KernelGuard.Length(values.Length, shape.KeyElements, nameof(values));
        if (!keyMask.IsEmpty)
        {
            KernelGuard.Length(keyMask.Length, KernelGuard.Product(batch, capacity), nameof(keyMask));
        }

        KernelGuard.Length(output.Length, shape.QueryElements, nameof(output));
        if (shape.QueryElements == 0)
        {
            return;
        }

        var layout = new Layout(heads, length, headDim, capacity, past, scale);
        int rows = batch * length;
        long work = 2L * rows * (past + length) * heads * headDim;
        int chunks = KernelParallel.ChunkCount(rows, work);
        fixed (float* pq = qkv, pk = keys, pv = values, pm = keyMask, po = output)
        {
            if (chunks == 1)
            {
                Rows(pq, pk, pv, keyMask.IsEmpty ? null : pm, po, layout, 0, rows);
                return;
            }

            nint aq = (nint)pq, ak = (nint)pk, av = (nint)pv, am = keyMask.IsEmpty ? 0 : (nint)pm, ao = (nint)po;
            KernelParallel.For(rows, chunks, (start, end) => Rows((float*)aq, (float*)ak, (float*)av, (float*)am, (float*)ao, layout, start, end));
        }
    }

    // Query rows [start, end) of the flattened [B, T]; mask null when every position is visible.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Rows(float* qkv, float* keys, float* values, float* mask, float* output, Layout s, int start, int end)
    {
        int c = s.Heads * s.HeadDim;
        float[] scratch = ArrayPool<float>.Shared.Rent(s.Heads * s.Capacity);
        try
        {
            fixed (float* scores = scratch)
            {
                for (int row = start; row < end; row++)
                {
                    int b = row / s.Length;
                    int i = row - (b * s.Length);
                    Row(qkv + ((long)row * 3 * c), keys + ((long)b * s.Capacity * c), values + ((long)b * s.Capacity * c),
                        mask == null ? null : mask + ((long)b * s.Capacity), output + ((long)row * c), scores, s, s.Past + i + 1);
                }
            }
        }
        finally
        {
            ArrayPool<float>.Shared.Return(scratch);
        }
    }

    // One query (all heads) over the row's first `visible` cached positions. scores: [H, capacity] scratch.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Row(float* q, float* keys, float* values, float* mask, float* y, float* scores, Layout s, int visible)
    {
        int h = s.Heads, d = s.HeadDim, c = h * d, cap = s.Capacity;
        for (int j = 0; j < visible; j++)
        {
            float* kj = keys + ((long)j * c);
            if (Sse.IsSupported)
            {
                // Ask for the position's values while its keys are scored, so the second pass finds them in cache
                // instead of starting a second stream from memory.
                byte* vj = (byte*)(values + ((long)j * c));
                for (int line = 0; line < c * sizeof(float); line += CacheLine)
                {
                    Sse.Prefetch0(vj + line);
                }
            }

            bool hidden = mask != null && mask[j] == 0f;
            for (int head = 0; head < h; head++)
            {
                scores[(head * cap) + j] = hidden ? float.NegativeInfinity
                    : s.Scale * RowOps.DotShort(new ReadOnlySpan<float>(q + (head * d), d), new ReadOnlySpan<float>(kj + (head * d), d));
            }
        }

        new Span<float>(y, c).Clear();
        bool any = false;
        for (int head = 0; head < h; head++)
        {
            var row = new Span<float>(scores + (head * cap), visible);
            any |= ExpRowOps.Softmax(row, row);
        }

        if (!any)
        {
            return;
        }

        for (int j = 0; j < visible; j++)
        {
            float* vj = values + ((long)j * c);
            for (int head = 0; head < h; head++)
            {
                float p = scores[(head * cap) + j];
                if (p != 0f)
                {
                    RowOps.Axpy(p, new ReadOnlySpan<float>(vj + (head * d), d), new Span<float>(y + (head * d), d));
                }
            }
        }
    }

    private readonly record struct Layout(int Heads, int Length, int HeadDim, int Capacity, int Past, float Scale);
}
