using System.Buffers;
using System.Numerics.Tensors;
using System.Runtime.CompilerServices;

namespace Alignment.Kernels;

/// <summary>
/// Causal self-attention read straight from a fused q/k/v projection [B, T, 3·C] (q, k, v side by side, each
/// [H, D] per position) and written straight into [B, T, C] (heads side by side), so neither the split into heads
/// nor the merge back is copied. Pairs (batch, head) are shared among the threads, one thread per pair. With a vector
/// GEMM backend each pair runs on packed panels (<see cref="PackedAttentionPanels{TKernel}"/>); the scalar backend
/// runs its products through <see cref="Gemm"/> on strided views, query rows taken in blocks so that a block only
/// meets the keys it can see.
/// </summary>
internal static class PackedAttentionKernels
{
    /// <summary>Query rows per block of the scalar path: a block of rows [i0, i1) multiplies keys [0, i1) only.</summary>
    internal const int QueryBlock = 64;

    // qkv: [B, T, 3C]; keyMask: empty or [B, T] (0 = hidden key); output: [B, T, C]; att: [B, H, T, T] probabilities
    // (0 above the causal diagonal and for hidden keys).
    public static void Forward(ReadOnlySpan<float> qkv, ReadOnlySpan<float> keyMask, Span<float> output, Span<float> att,
        int batch, int heads, int length, int headDim, float scale) =>
        Forward(qkv, keyMask, output, att, batch, heads, length, headDim, scale, Gemm.DefaultBackend);

    // The same on a given backend (Gemm.IsSupported(backend) must hold); panels: the panel path (vector backends only)
    // rather than the GEMM path.
    internal static void Forward(ReadOnlySpan<float> qkv, ReadOnlySpan<float> keyMask, Span<float> output, Span<float> att,
        int batch, int heads, int length, int headDim, float scale, GemmBackend backend, bool panels = true)
    {
        var shape = Check(qkv, output, att, batch, heads, length, headDim);
        if (!keyMask.IsEmpty)
        {
            KernelGuard.Length(keyMask.Length, KernelGuard.Product(batch, length), nameof(keyMask));
        }

        if (shape.ScoreElements == 0 || headDim == 0)
        {
            output.Clear();
            att.Clear();
            return;
        }

        int chunks = KernelParallel.ChunkCount(shape.Pairs, 2 * shape.Work);
        if (chunks == 1)
        {
            ForwardPairs(qkv, keyMask, output, att, shape, scale, backend, panels, 0, shape.Pairs);
        }
        else
        {
            ForwardParallel(qkv, keyMask, output, att, shape, scale, backend, panels, chunks);
        }
    }

    // dOutput: [B, T, C]; qkv, dQkv: [B, T, 3C]; att: [B, H, T, T] from Forward. dQkv is overwritten, or added to
    // when accumulate is set.
    public static void Backward(ReadOnlySpan<float> dOutput, ReadOnlySpan<float> qkv, ReadOnlySpan<float> att, Span<float> dQkv,
        int batch, int heads, int length, int headDim, float scale, bool accumulate) =>
        Backward(dOutput, qkv, att, dQkv, batch, heads, length, headDim, scale, accumulate, Gemm.DefaultBackend);

    // The same on a given backend (Gemm.IsSupported(backend) must hold); panels as for Forward.
    internal static void Backward(ReadOnlySpan<float> dOutput, ReadOnlySpan<float> qkv, ReadOnlySpan<float> att, Span<float> dQkv,
        int batch, int heads, int length, int headDim, float scale, bool accumulate, GemmBackend backend, bool panels = true)
    {
        var shape = Check(qkv, dOutput, att, batch, heads, length, headDim);
        KernelGuard.Length(dQkv.Length, qkv.Length, nameof(dQkv));
        if (shape.ScoreElements == 0 || headDim == 0)
        {
            if (!accumulate)
            {
                dQkv.Clear();
            }

            return;
        }

        int chunks = KernelParallel.ChunkCount(shape.Pairs, 4 * shape.Work);
        if (chunks == 1)
        {
            BackwardPairs(dOutput, qkv, att, dQkv, shape, scale, accumulate, backend, panels, 0, shape.Pairs);
        }
        else
        {
            BackwardParallel(dOutput, qkv, att, dQkv, shape, scale, accumulate, backend, panels, chunks);
        }
    }

    private static AttentionShape Check(ReadOnlySpan<float> qkv, ReadOnlySpan<float> output, ReadOnlySpan<float> att, int batch, int heads, int length, int headDim)
    {
        var shape = AttentionShape.Create(batch, heads, length, length, headDim);
        KernelGuard.Length(qkv.Length, 3 * shape.QueryElements, nameof(qkv));
        KernelGuard.Length(output.Length, shape.QueryElements, "output");
        KernelGuard.Length(att.Length, shape.ScoreElements, nameof(att));
        return shape;
    }

    private static void ForwardPairs(ReadOnlySpan<float> qkv, ReadOnlySpan<float> keyMask, Span<float> output, Span<float> att,
        AttentionShape shape, float scale, GemmBackend backend, bool panels, int start, int end)
    {
        switch (panels ? backend : GemmBackend.Scalar)
        {
            case GemmBackend.Vector256:
                PackedAttentionPanels<GemmKernel6x16>.ForwardPairs(qkv, keyMask, output, att, shape, scale, start, end);
                return;
            case GemmBackend.Vector512:
                PackedAttentionPanels<GemmKernel8x32>.ForwardPairs(qkv, keyMask, output, att, shape, scale, start, end);
                return;
            default:
                ForwardPairsGemm(qkv, keyMask, output, att, shape, scale, backend, start, end);
                return;
        }
    }

    private static void ForwardPairsGemm(ReadOnlySpan<float> qkv, ReadOnlySpan<float> keyMask, Span<float> output, Span<float> att,
        AttentionShape shape, float scale, GemmBackend backend, int start, int end)
    {
        int t = shape.QueryLength;
        int d = shape.HeadDim;
        int c = shape.Heads * d;
        int ld = 3 * c;
        for (int pair = start; pair < end; pair++)
        {
            int b = pair / shape.Heads;
            int h = pair - (b * shape.Heads);
            int qBase = (b * t * ld) + (h * d);
            int oBase = (b * t * c) + (h * d);
            Span<float> attPair = att.Slice(pair * t * t, t * t);
            ReadOnlySpan<float> mask = keyMask.IsEmpty ? default : keyMask.Slice(b * t, t);
            for (int i0 = 0; i0 < t; i0 += QueryBlock)
            {
                int i1 = Math.Min(t, i0 + QueryBlock);
                int rows = i1 - i0;
                // scores [rows, i1] = Q[i0:i1] · K[0:i1]ᵀ
                Gemm.Multiply(false, true, rows, i1, d, qkv[(qBase + (i0 * ld))..], ld, qkv[(qBase + c)..], ld,
                    attPair[(i0 * t)..], t, accumulate: false, backend, threads: 1);
                for (int i = i0; i < i1; i++)
                {
                    SoftmaxRow(attPair.Slice(i * t, t), i + 1, mask, scale);
                }

                // out[i0:i1] = P[i0:i1, 0:i1] · V[0:i1]
                Gemm.Multiply(false, false, rows, d, i1, attPair[(i0 * t)..], t, qkv[(qBase + (2 * c))..], ld,
                    output[(oBase + (i0 * c))..], c, accumulate: false, backend, threads: 1);
            }
        }
    }

    // row: the scores of one query over keys [0, row.Length); keys from visible on are in the future. Writes the
    // probabilities (0 for future and masked keys; all 0 when every key is hidden).
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static void SoftmaxRow(Span<float> row, int visible, ReadOnlySpan<float> mask, float scale)
    {
        Span<float> live = row[..visible];
        row[visible..].Clear();
        TensorPrimitives.Multiply(live, scale, live);
        if (!mask.IsEmpty)
        {
            for (int j = 0; j < visible; j++)
            {
                if (mask[j] == 0f)
                {
                    live[j] = float.NegativeInfinity;
                }
            }
        }

        ExpRowOps.Softmax(live, live);
    }

    private static void BackwardPairs(ReadOnlySpan<float> dOutput, ReadOnlySpan<float> qkv, ReadOnlySpan<float> att, Span<float> dQkv,
        AttentionShape shape, float scale, bool accumulate, GemmBackend backend, bool panels, int start, int end)
    {
        switch (panels ? backend : GemmBackend.Scalar)
        {
            case GemmBackend.Vector256:
                PackedAttentionPanels<GemmKernel6x16>.BackwardPairs(dOutput, qkv, att, dQkv, shape, scale, accumulate, start, end);
                return;
            case GemmBackend.Vector512:
                PackedAttentionPanels<GemmKernel8x32>.BackwardPairs(dOutput, qkv, att, dQkv, shape, scale, accumulate, start, end);
                return;
            default:
                BackwardPairsGemm(dOutput, qkv, att, dQkv, shape, scale, accumulate, backend, start, end);
                return;
        }
    }

    private static void BackwardPairsGemm(ReadOnlySpan<float> dOutput, ReadOnlySpan<float> qkv, ReadOnlySpan<float> att, Span<float> dQkv,
        AttentionShape shape, float scale, bool accumulate, GemmBackend backend, int start, int end)
    {
        int t = shape.QueryLength;
        int d = shape.HeadDim;
        int c = shape.Heads * d;
        int ld = 3 * c;
        float[] scratch = ArrayPool<float>.Shared.Rent(QueryBlock * t);
        try
        {
            Span<float> ds = scratch.AsSpan(0, QueryBlock * t); // [rows, i1], row stride t
            for (int pair = start; pair < end; pair++)
            {
                int b = pair / shape.Heads;
                int h = pair - (b * shape.Heads);
                int qBase = (b * t * ld) + (h * d);
                int kBase = qBase + c;
                int vBase = qBase + (2 * c);
                int oBase = (b * t * c) + (h * d);
                ReadOnlySpan<float> attPair = att.Slice(pair * t * t, t * t);
                // The last block meets every key, so it writes dK and dV; earlier blocks add to them.
                int lastStart = ((t - 1) / QueryBlock) * QueryBlock;
                for (int i0 = lastStart; i0 >= 0; i0 -= QueryBlock)
                {
                    int i1 = Math.Min(t, i0 + QueryBlock);
                    int rows = i1 - i0;
                    bool addKv = accumulate || i0 != lastStart;
                    ReadOnlySpan<float> p = attPair[(i0 * t)..];
                    ReadOnlySpan<float> dO = dOutput[(oBase + (i0 * c))..];
                    // dP [rows, i1] = dO[i0:i1] · V[0:i1]ᵀ
                    Gemm.Multiply(false, true, rows, i1, d, dO, c, qkv[vBase..], ld, ds, t, accumulate: false, backend, threads: 1);
                    for (int r = 0; r < rows; r++)
                    {
                        int visible = i0 + r + 1;
                        ScoreGradient(p.Slice(r * t, i1), ds.Slice(r * t, i1), visible, scale);
                    }

                    // dQ[i0:i1] = dS · K[0:i1]
                    Gemm.Multiply(false, false, rows, d, i1, ds, t, qkv[kBase..], ld, dQkv[(qBase + (i0 * ld))..], ld, accumulate, backend, threads: 1);
                    // dK[0:i1] += dSᵀ · Q[i0:i1]
                    Gemm.Multiply(true, false, i1, d, rows, ds, t, qkv[(qBase + (i0 * ld))..], ld, dQkv[kBase..], ld, addKv, backend, threads: 1);
                    // dV[0:i1] += P[i0:i1, 0:i1]ᵀ · dO[i0:i1]
                    Gemm.Multiply(true, false, i1, d, rows, p, t, dO, c, dQkv[vBase..], ld, addKv, backend, threads: 1);
                }
            }
        }
        finally
        {
            ArrayPool<float>.Shared.Return(scratch);
        }
    }

    // p, dp: one query's probabilities and dO·vⱼ over the block's keys; dp becomes scale·p·(dp − Σ p·dp) for the
    // visible keys and 0 past them.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static void ScoreGradient(ReadOnlySpan<float> p, Span<float> dp, int visible, float scale)
    {
        dp[visible..].Clear();
        Span<float> live = dp[..visible];
        ReadOnlySpan<float> pLive = p[..visible];
        float mean = (float)RowOps.Dot(pLive, live);
        TensorPrimitives.Subtract(live, mean, live);
        TensorPrimitives.Multiply(live, pLive, live);
        TensorPrimitives.Multiply(live, scale, live);
    }

    private static unsafe void ForwardParallel(ReadOnlySpan<float> qkv, ReadOnlySpan<float> keyMask, Span<float> output, Span<float> att,
        AttentionShape shape, float scale, GemmBackend backend, bool panels, int chunks)
    {
        fixed (float* pq = qkv, pm = keyMask, po = output, pa = att)
        {
            var bq = new PinnedBuffer<float>(pq, qkv.Length);
            var bm = new PinnedBuffer<float>(pm, keyMask.Length);
            var bo = new PinnedBuffer<float>(po, output.Length);
            var ba = new PinnedBuffer<float>(pa, att.Length);
            KernelParallel.For(shape.Pairs, chunks, (s, e) => ForwardPairs(bq.ReadOnlySpan, bm.ReadOnlySpan, bo.Span, ba.Span, shape, scale, backend, panels, s, e));
        }
    }

    private static unsafe void BackwardParallel(ReadOnlySpan<float> dOutput, ReadOnlySpan<float> qkv, ReadOnlySpan<float> att, Span<float> dQkv,
        AttentionShape shape, float scale, bool accumulate, GemmBackend backend, bool panels, int chunks)
    {
        fixed (float* pdo = dOutput, pq = qkv, pa = att, pdq = dQkv)
        {
            var bdo = new PinnedBuffer<float>(pdo, dOutput.Length);
            var bq = new PinnedBuffer<float>(pq, qkv.Length);
            var ba = new PinnedBuffer<float>(pa, att.Length);
            var bdq = new PinnedBuffer<float>(pdq, dQkv.Length);
            KernelParallel.For(shape.Pairs, chunks, (s, e) => BackwardPairs(bdo.ReadOnlySpan, bq.ReadOnlySpan, ba.ReadOnlySpan, bdq.Span, shape, scale, accumulate, backend, panels, s, e));
        }
    }
}
