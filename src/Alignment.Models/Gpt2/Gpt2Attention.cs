using Alignment.Kernels;
using Alignment.NN;

namespace Alignment.Models.Gpt2;

/// <summary>GPT-2 causal self-attention: c_attn (→ q, k, v), fused masked attention, c_proj.</summary>
public sealed class Gpt2Attention : Module
{
    private readonly int _heads;
    private readonly int _headSize;

    /// <summary>Creates the layer.</summary>
    /// <param name="config">The model configuration.</param>
    /// <param name="random">Seeded generator for initialisation.</param>
    public Gpt2Attention(Gpt2Config config, RandomGenerator random)
        : this(config, WeightInit.From(random))
    {
    }

    /// <summary>Creates the layer with parameters filled as <paramref name="init"/> says.</summary>
    /// <param name="config">The model configuration.</param>
    /// <param name="init">Random or zero parameters.</param>
    internal Gpt2Attention(Gpt2Config config, WeightInit init)
    {
        ArgumentNullException.ThrowIfNull(config);
        _heads = config.HeadCount;
        _headSize = config.HeadSize;
        Attention = RegisterModule("c_attn", init.Conv1D(config.EmbeddingSize, 3 * config.EmbeddingSize, config.InitializerRange));
        // GPT-2 scales the residual projections' init by 1/sqrt(2·layers).
        Projection = RegisterModule("c_proj", init.Conv1D(config.EmbeddingSize, config.EmbeddingSize, config.InitializerRange / MathF.Sqrt(2f * config.LayerCount)));
    }

    /// <summary>The q/k/v projection, weight [C, 3C].</summary>
    public Conv1D Attention { get; }

    /// <summary>The output projection, weight [C, C].</summary>
    public Conv1D Projection { get; }

    /// <summary>Attends over x [B, T, C] (and the cache, if given) and returns [B, T, C].</summary>
    /// <param name="x">Normalised hidden states.</param>
    /// <param name="keyMask">[B, S] float mask of real keys (S = cached + T), or null.</param>
    /// <param name="cache">Key/value cache (inference only) made for this model and batch, or null.</param>
    /// <param name="layer">This layer's index in the cache.</param>
    /// <returns>The attention output.</returns>
    /// <exception cref="ArgumentException">The cache was made for another batch size, head count or head size, or the mask does not cover the cached and new positions.</exception>
    public Tensor Forward(Tensor x, Tensor? keyMask, KeyValueCache? cache, int layer)
    {
        ArgumentNullException.ThrowIfNull(x);
        if (cache is not null)
        {
            cache.EnsureFits(layers: null, x.Size(0), _heads, _headSize, nameof(cache));
            ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual((uint)layer, (uint)cache.LayerCount, nameof(layer));
        }

        if (cache is null)
        {
            // Heads read from and written back to [B, T, ·] in place: no split or merge copies.
            return Projection.Forward(Tensor.CausalSelfAttention(Attention.Forward(x), _heads, keyMask));
        }

        // Keys and values go from the fused projection straight into the cache, and the output comes back [B, T, C].
        return Projection.Forward(CachedAttention(Attention.Forward(x), keyMask, cache, layer));
    }

    /// <summary>
    /// Attention for one query per batch row: keys and values come from every position of x [B, T, C], the query from
    /// the position named by <paramref name="rows"/> (flat indices r·T + position). <paramref name="keyMask"/> must
    /// hide padding and every key after the query's position (the causal constraint, which differs per row).
    /// </summary>
    /// <param name="x">Normalised hidden states, [B, T, C].</param>
    /// <param name="rows">Flat indices of the query positions, [B].</param>
    /// <param name="keyMask">[B, T] float mask of the keys each query sees.</param>
    /// <returns>The attention output at the query positions, [B, C].</returns>
    internal Tensor ForwardAt(Tensor x, IntTensor rows, Tensor keyMask)
    {
        int b = x.Size(0), t = x.Size(1), c = x.Size(2);
        var qkv = Attention.Forward(x); // [B, T, 3C]
        var q = qkv.Reshape(b * t, 3 * c).IndexSelect(0, rows).Narrow(1, 0, c).Reshape(b, 1, _heads, _headSize).Permute(0, 2, 1, 3); // [B, H, 1, D]
        var kv = qkv.Reshape(b, t, 3, _heads, _headSize);
        var k = kv.Narrow(2, 1, 1).Reshape(b, t, _heads, _headSize).Permute(0, 2, 1, 3); // [B, H, T, D]
        var v = kv.Narrow(2, 2, 1).Reshape(b, t, _heads, _headSize).Permute(0, 2, 1, 3);
        var y = Tensor.ScaledDotProductAttention(q, k, v, keyMask, causal: false); // [B, H, 1, D]
        return Projection.Forward(y.Reshape(b, c)); // [B, H, 1, D] is [B, C] in memory
    }

    // qkv: the fused projection [B, T, 3C]; returns [B, T, C].
    private Tensor CachedAttention(Tensor qkv, Tensor? keyMask, KeyValueCache cache, int layer)
    {
        if (GradMode.Enabled && qkv.RequiresGrad)
        {
            throw new InvalidOperationException("A key/value cache is for inference: run generation under Tensor.NoGrad().");
        }

        int b = qkv.Size(0), t = qkv.Size(1), c = qkv.Size(2) / 3;
        var past = cache.Length;
        if (keyMask is not null && !ReferenceEquals(keyMask, cache.KeyMask) && (keyMask.Rank != 2 || keyMask.Size(0) != b || keyMask.Size(1) != past + t))
        {
            throw new ArgumentException($"The key mask must be [{b}, {past + t}] (cached + new positions), got {Shapes.Format(keyMask.Shape)}.", nameof(keyMask));
        }

        var projected = qkv.Contiguous();
        cache.Update(layer, projected.Span, t);
        // Keys beyond past + t are hidden by the causal constraint (queries start at absolute position past), so without
        // a mask none is needed. Gpt2Model.Forward fills the cache's mask once per pass; other callers' masks are copied in.
        ReadOnlySpan<float> mask = keyMask is null ? default
            : ReferenceEquals(keyMask, cache.KeyMask) ? keyMask.Span
            : cache.PrepareKeyMask(keyMask, t);
        var y = Tensor.Empty([b, t, c]);
        CachedAttentionKernels.Forward(projected.Span, cache.Keys(layer), cache.Values(layer), mask, y.Span, b, _heads, t, _headSize, cache.Capacity, past, 1f / MathF.Sqrt(_headSize));
        return y;
    }
}
