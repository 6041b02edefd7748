using Alignment.Kernels;

namespace Alignment;

public sealed partial class Tensor
{
    /// <summary>Layer normalisation over the last dimension: (x − mean)/√(var + eps)·weight + bias (biased variance).</summary>
    /// <param name="x">Input, [..., C].</param>
    /// <param name="weight">Scale, [C].</param>
    /// <param name="bias">Shift, [C].</param>
    /// <param name="eps">Added to the variance. The default value is 1e-5.</param>
    /// <returns>The normalised tensor.</returns>
    public static Tensor LayerNorm(Tensor x, Tensor weight, Tensor bias, float eps = 1e-5f)
    {
        ArgumentNullException.ThrowIfNull(x);
        ArgumentNullException.ThrowIfNull(weight);
        ArgumentNullException.ThrowIfNull(bias);
        var xc = x.Contiguous();
        var cols = xc._shape[^1];
        if (weight.ElementCount != cols || bias.ElementCount != cols)
        {
            throw new ArgumentException($"LayerNorm: weight {Shapes.Format(weight._shape)} and bias {Shapes.Format(bias._shape)} must both be [{cols}].");
        }

        var w = weight.Contiguous();
        var b = bias.Contiguous();
        var rows = xc.ElementCount / Math.Max(cols, 1);
        var y = Empty(xc._shape);
        var mean = Empty([rows]);
        var rstd = Empty([rows]);
        LayerNormKernels.Forward(xc.Span, w.Span, b.Span, y.Span, mean.Span, rstd.Span, rows, cols, eps);
        if (AutogradEngine.ShouldRecord([xc, w, b]))
        {
            AutogradEngine.Record(y, "LayerNorm", [xc, w, b], g =>
            {
                using var dxScratch = xc.RequiresGrad ? default : new PooledBuffer(xc.ElementCount, zero: false);
                using var dwScratch = w.RequiresGrad ? default : new PooledBuffer(cols, zero: true);
                using var dbScratch = b.RequiresGrad ? default : new PooledBuffer(cols, zero: true);
                var accumulateDx = false;
                LayerNormKernels.Backward(g.Span, xc.Span, w.Span, mean.Span, rstd.Span,
                    xc.RequiresGrad ? AutogradEngine.GradSpanForWrite(xc, out accumulateDx) : dxScratch.Span,
                    w.RequiresGrad ? AutogradEngine.GradSpan(w) : dwScratch.Span,
                    b.RequiresGrad ? AutogradEngine.GradSpan(b) : dbScratch.Span, rows, cols, accumulateDx);
            });
        }

        return y;
    }

    /// <summary>GELU with the tanh approximation (Hugging Face "gelu_new", PyTorch approximate="tanh").</summary>
    /// <param name="x">Input.</param>
    /// <returns>The activation.</returns>
    public static Tensor Gelu(Tensor x)
    {
        ArgumentNullException.ThrowIfNull(x);
        var xc = x.Contiguous();
        var y = Empty(xc._shape);
        GeluKernels.Forward(xc.Span, y.Span);
        if (AutogradEngine.ShouldRecord(xc))
        {
            AutogradEngine.Record(y, "Gelu", [xc], g =>
            {
                var dx = AutogradEngine.GradSpanForWrite(xc, out var accumulate);
                GeluKernels.Backward(xc.Span, g.Span, dx, accumulate);
            });
        }

        return y;
    }

    /// <summary>Looks up rows of <paramref name="weight"/> [V, C] for token ids [...] → [..., C]; the backward scatter-adds.</summary>
    /// <param name="ids">Token ids in [0, V).</param>
    /// <param name="weight">The embedding table, [V, C].</param>
    /// <returns>The embeddings.</returns>
    public static Tensor Embedding(IntTensor ids, Tensor weight)
    {
        ArgumentNullException.ThrowIfNull(ids);
        ArgumentNullException.ThrowIfNull(weight);
        if (weight.Rank != 2)
        {
            throw new ArgumentException($"Embedding: the table must be [V, C], got {Shapes.Format(weight._shape)}.", nameof(weight));
        }

        var w = weight.Contiguous();
        var vocab = w._shape[0];
        var dim = w._shape[1];
        var y = Empty([.. ids.Dimensions, dim]);
        EmbeddingKernels.Forward(ids.Data, w.Span, y.Span, vocab, dim);
        if (AutogradEngine.ShouldRecord(w))
        {
            AutogradEngine.Record(y, "Embedding", [w], g => EmbeddingKernels.Backward(ids.Data, g.Span, AutogradEngine.GradSpan(w), vocab, dim));
        }

        return y;
    }

    /// <summary>
    /// Causal multi-head self-attention read from a fused q/k/v projection: <paramref name="qkv"/> [B, T, 3·C] holds
    /// q, k and v side by side, each [H, D] per position (GPT-2's c_attn output). Returns the heads merged back,
    /// [B, T, C]: the same values as splitting into heads, <see cref="ScaledDotProductAttention"/> with
    /// causal = true and merging, without copying the heads apart or together.
    /// </summary>
    /// <param name="qkv">The fused projection, [B, T, 3·C].</param>
    /// <param name="heads">Number of heads H; must divide C.</param>
    /// <param name="keyMask">[B, T] marking real keys with 1 and padding with 0, or null. The default value is null.</param>
    /// <param name="scale">Score scale; the default value (null) is 1/√D.</param>
    /// <returns>[B, T, C].</returns>
    public static Tensor CausalSelfAttention(Tensor qkv, int heads, Tensor? keyMask = null, float? scale = null)
    {
        ArgumentNullException.ThrowIfNull(qkv);
        if (qkv.Rank != 3 || qkv._shape[2] % 3 != 0)
        {
            throw new ArgumentException($"CausalSelfAttention needs qkv [B, T, 3·C], got {Shapes.Format(qkv._shape)}.", nameof(qkv));
        }

        int batch = qkv._shape[0], t = qkv._shape[1], c = qkv._shape[2] / 3;
        if (heads < 1 || c % heads != 0)
        {
            throw new ArgumentException($"The head count {heads} must be positive and divide C = {c}.", nameof(heads));
        }

        if (keyMask is not null && (keyMask.Rank != 2 || keyMask._shape[0] != batch || keyMask._shape[1] != t))
        {
            throw new ArgumentException($"The key mask must be [{batch}, {t}], got {Shapes.Format(keyMask._shape)}.", nameof(keyMask));
        }

        int dim = c / heads;
        var x = qkv.Contiguous();
        ReadOnlySpan<float> maskValues = keyMask is null ? [] : keyMask.IsContiguous ? keyMask.Span : keyMask.ToArray();
        var sc = scale ?? 1f / MathF.Sqrt(dim);
        var y = Empty([batch, t, c]);
        var scores = batch * heads * t * t;
        if (!AutogradEngine.ShouldRecord(x))
        {
            using var scratch = new PooledBuffer(scores, zero: false);
            PackedAttentionKernels.Forward(x.Span, maskValues, y.Span, scratch.Span, batch, heads, t, dim, sc);
            return y;
        }

        var att = new Tensor(TensorStorage.Allocate(scores, zero: false), [batch, heads, t, t]);
        PackedAttentionKernels.Forward(x.Span, maskValues, y.Span, att.Span, batch, heads, t, dim, sc);
        AutogradEngine.Record(y, "CausalSelfAttention", [x], g =>
        {
            var dx = AutogradEngine.GradSpanForWrite(x, out var accumulate);
            PackedAttentionKernels.Backward(g.Span, x.Span, att.Span, dx, batch, heads, t, dim, sc, accumulate);
        });
        return y;
    }

    /// <summary>
    /// Scaled dot-product attention softmax(q·kᵀ·scale + masks)·v per batch and head, fused.
    /// q [B, H, Tq, D]; k, v [B, H, S, D]. With <paramref name="causal"/>, query i (absolute position
    /// <paramref name="queryOffset"/> + i) sees keys j ≤ queryOffset + i. <paramref name="keyMask"/> [B, S]
    /// marks real keys with 1 and padding with 0. A query whose keys are all masked outputs zeros.
    /// </summary>
    /// <param name="q">Queries.</param>
    /// <param name="k">Keys.</param>
    /// <param name="v">Values.</param>
    /// <param name="keyMask">Key padding mask or null. The default value is null.</param>
    /// <param name="causal">Apply the causal mask. The default value is true.</param>
    /// <param name="queryOffset">Absolute position of the first query (KV-cache decoding). The default value is 0.</param>
    /// <param name="scale">Score scale; the default value (null) is 1/√D.</param>
    /// <returns>[B, H, Tq, D].</returns>
    public static Tensor ScaledDotProductAttention(Tensor q, Tensor k, Tensor v, Tensor? keyMask = null, bool causal = true, int queryOffset = 0, float? scale = null)
    {
        ArgumentNullException.ThrowIfNull(q);
        ArgumentNullException.ThrowIfNull(k);
        ArgumentNullException.ThrowIfNull(v);
        if (q.Rank != 4 || k.Rank != 4 || v.Rank != 4)
        {
            throw new ArgumentException("Attention needs q, k, v of rank 4 ([B, H, T, D]).");
        }

        int batch = q._shape[0], heads = q._shape[1], tq = q._shape[2], dim = q._shape[3], s = k._shape[2];
        if (!Shapes.SameShape(k._shape, v._shape) || k._shape[0] != batch || k._shape[1] != heads || k._shape[3] != dim)
        {
            throw new ArgumentException($"Attention shapes disagree: q {Shapes.Format(q._shape)}, k {Shapes.Format(k._shape)}, v {Shapes.Format(v._shape)}.");
        }

        if (keyMask is not null && (keyMask.Rank != 2 || keyMask._shape[0] != batch || keyMask._shape[1] != s))
        {
            throw new ArgumentException($"The key mask must be [{batch}, {s}], got {Shapes.Format(keyMask._shape)}.", nameof(keyMask));
        }

        var qc = q.Contiguous();
        var kc = k.Contiguous();
        var vc = v.Contiguous();
        var maskValues = keyMask is null ? [] : keyMask.Contiguous().ToArray();
        var sc = scale ?? 1f / MathF.Sqrt(dim);
        var y = Empty(qc._shape);
        var att = new Tensor(TensorStorage.Allocate(batch * heads * tq * s, zero: false), [batch, heads, tq, s]);
        AttentionKernels.Forward(qc.Span, kc.Span, vc.Span, maskValues, y.Span, att.Span, batch, heads, tq, s, dim, sc, causal, queryOffset);
        if (AutogradEngine.ShouldRecord([qc, kc, vc]))
        {
            AutogradEngine.Record(y, "Attention", [qc, kc, vc], g =>
            {
                using var dqs = qc.RequiresGrad ? default : new PooledBuffer(qc.ElementCount, zero: true);
                using var dks = kc.RequiresGrad ? default : new PooledBuffer(kc.ElementCount, zero: true);
                using var dvs = vc.RequiresGrad ? default : new PooledBuffer(vc.ElementCount, zero: true);
                AttentionKernels.Backward(g.Span, qc.Span, kc.Span, vc.Span, att.Span,
                    qc.RequiresGrad ? AutogradEngine.GradSpan(qc) : dqs.Span,
                    kc.RequiresGrad ? AutogradEngine.GradSpan(kc) : dks.Span,
                    vc.RequiresGrad ? AutogradEngine.GradSpan(vc) : dvs.Span, batch, heads, tq, s, dim, sc);
            });
        }

        return y;
    }
}
