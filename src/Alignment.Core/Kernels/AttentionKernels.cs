using System.Runtime.CompilerServices;

namespace Alignment.Kernels;

/// <summary>
/// Scaled dot-product attention per (batch, head) with optional causal masking (with a query offset for
/// KV-cache decoding) and key padding masks. The softmax probabilities are saved for the backward pass.
/// </summary>
internal static partial class AttentionKernels
{
    // q: [B, H, Tq, D]; k, v: [B, H, S, D]; keyMask: empty or [B, S]; output: [B, H, Tq, D]; att: [B, H, Tq, S]
    /// <summary>
    /// output = softmax(scale * q k^T + mask) v. Query i (absolute position queryOffset + i) sees keys
    /// j &lt;= queryOffset + i when causal; keys with keyMask 0 are hidden. A query with no visible key gets
    /// output 0 and att 0.
    /// </summary>
    public static void Forward(ReadOnlySpan<float> q, ReadOnlySpan<float> k, ReadOnlySpan<float> v, ReadOnlySpan<float> keyMask,
        Span<float> output, Span<float> att, int batch, int heads, int queryLength, int keyLength, int headDim, float scale, bool causal, int queryOffset)
    {
        var shape = AttentionShape.Create(batch, heads, queryLength, keyLength, headDim);
        KernelGuard.NonNegative(queryOffset, nameof(queryOffset));
        KernelGuard.Length(q.Length, shape.QueryElements, nameof(q));
        KernelGuard.Length(k.Length, shape.KeyElements, nameof(k));
        KernelGuard.Length(v.Length, shape.KeyElements, nameof(v));
        if (!keyMask.IsEmpty)
        {
            KernelGuard.Length(keyMask.Length, KernelGuard.Product(batch, keyLength), nameof(keyMask));
        }

        KernelGuard.Length(output.Length, shape.QueryElements, nameof(output));
        KernelGuard.Length(att.Length, shape.ScoreElements, nameof(att));
        var options = new AttentionOptions(scale, causal, queryOffset);
        int chunks = KernelParallel.ChunkCount(shape.QueryRows, 2 * shape.Work);
        if (chunks == 1)
        {
            ForwardRows(q, k, v, keyMask, output, att, shape, options, 0, shape.QueryRows);
        }
        else
        {
            ForwardParallel(q, k, v, keyMask, output, att, shape, options, chunks);
        }
    }

    // q, output: [B, H, Tq, D]; k, v: [B, H, S, D]; keyMask: empty or [B, S]; att: [B, H, Tq, S]
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void ForwardRows(ReadOnlySpan<float> q, ReadOnlySpan<float> k, ReadOnlySpan<float> v, ReadOnlySpan<float> keyMask,
        Span<float> output, Span<float> att, AttentionShape shape, AttentionOptions options, int start, int end)
    {
        int d = shape.HeadDim;
        int s = shape.KeyLength;
        for (int row = start; row < end; row++)
        {
            int pair = row / shape.QueryLength;
            int i = row - (pair * shape.QueryLength);
            int b = pair / shape.Heads;
            ReadOnlySpan<float> qi = q.Slice(row * d, d);
            ReadOnlySpan<float> kPair = k.Slice(pair * s * d, s * d);
            ReadOnlySpan<float> vPair = v.Slice(pair * s * d, s * d);
            ReadOnlySpan<float> mask = keyMask.IsEmpty ? default : keyMask.Slice(b * s, s);
            Span<float> attRow = att.Slice(row * s, s);
            Span<float> outRow = output.Slice(row * d, d);
            int limit = options.Causal ? (int)Math.Min(s, (long)options.QueryOffset + i + 1) : s;

            Span<float> visible = attRow[..limit];
            GemvOps.DotRows(qi, kPair, visible, options.Scale);
            if (!mask.IsEmpty)
            {
                for (int j = 0; j < limit; j++)
                {
                    if (mask[j] == 0f)
                    {
                        visible[j] = float.NegativeInfinity;
                    }
                }
            }

            attRow[limit..].Clear();
            outRow.Clear();
            if (ExpRowOps.Softmax(visible, visible))
            {
                GemvOps.AccumulateRows(visible, vPair, outRow);
            }
        }
    }

    private static unsafe void ForwardParallel(ReadOnlySpan<float> q, ReadOnlySpan<float> k, ReadOnlySpan<float> v, ReadOnlySpan<float> keyMask,
        Span<float> output, Span<float> att, AttentionShape shape, AttentionOptions options, int chunks)
    {
        fixed (float* pq = q, pk = k, pv = v, pm = keyMask, po = output, pa = att)
        {
            var bq = new PinnedBuffer<float>(pq, q.Length);
            var bk = new PinnedBuffer<float>(pk, k.Length);
            var bv = new PinnedBuffer<float>(pv, v.Length);
            var bm = new PinnedBuffer<float>(pm, keyMask.Length);
            var bo = new PinnedBuffer<float>(po, output.Length);
            var ba = new PinnedBuffer<float>(pa, att.Length);
            KernelParallel.For(shape.QueryRows, chunks, (s, e) => ForwardRows(
                bq.ReadOnlySpan, bk.ReadOnlySpan, bv.ReadOnlySpan, bm.ReadOnlySpan, bo.Span, ba.Span, shape, options, s, e));
        }
    }
}
