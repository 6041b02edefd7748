using Alignment.NN;

namespace Alignment.Models.Gpt2;

/// <summary>A pre-LayerNorm GPT-2 block: x + attn(ln_1(x)), then x + mlp(ln_2(x)), with residual dropout.</summary>
public sealed class Gpt2Block : Module
{
    private readonly float _dropout;
    private readonly RandomGenerator _random;

    /// <summary>
    /// Creates the block. The generator is registered as "random" (see <see cref="Module.NamedRandomGenerators"/>);
    /// a model whose blocks share its generator lists it once, under the model's name.
    /// </summary>
    /// <param name="config">The model configuration.</param>
    /// <param name="random">Seeded generator for initialisation and dropout.</param>
    public Gpt2Block(Gpt2Config config, RandomGenerator random)
        : this(config, random, WeightInit.From(random))
    {
    }

    /// <summary>Creates the block with parameters filled as <paramref name="init"/> says.</summary>
    /// <param name="config">The model configuration.</param>
    /// <param name="random">Seeded generator for dropout.</param>
    /// <param name="init">Random or zero parameters.</param>
    internal Gpt2Block(Gpt2Config config, RandomGenerator random, WeightInit init)
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(random);
        _random = RegisterRandomGenerator("random", random);
        _dropout = config.ResidualDropout;
        Norm1 = RegisterModule("ln_1", new LayerNorm(config.EmbeddingSize, config.LayerNormEpsilon));
        Attention = RegisterModule("attn", new Gpt2Attention(config, init));
        Norm2 = RegisterModule("ln_2", new LayerNorm(config.EmbeddingSize, config.LayerNormEpsilon));
        Mlp = RegisterModule("mlp", new Gpt2Mlp(config, init));
    }

    /// <summary>LayerNorm before attention.</summary>
    public LayerNorm Norm1 { get; }

    /// <summary>Self-attention.</summary>
    public Gpt2Attention Attention { get; }

    /// <summary>LayerNorm before the MLP.</summary>
    public LayerNorm Norm2 { get; }

    /// <summary>Feed-forward block.</summary>
    public Gpt2Mlp Mlp { get; }

    /// <summary>Applies the block to x [B, T, C].</summary>
    /// <param name="x">Hidden states.</param>
    /// <param name="keyMask">[B, S] mask of real keys, or null.</param>
    /// <param name="cache">Key/value cache, or null.</param>
    /// <param name="layer">This block's index.</param>
    /// <returns>[B, T, C].</returns>
    public Tensor Forward(Tensor x, Tensor? keyMask, KeyValueCache? cache, int layer)
    {
        var a = Attention.Forward(Norm1.Forward(x), keyMask, cache, layer);
        x = x + Tensor.Dropout(a, _dropout, IsTraining, _random);
        var m = Mlp.Forward(Norm2.Forward(x));
        return x + Tensor.Dropout(m, _dropout, IsTraining, _random);
    }

    /// <summary>
    /// Applies the block to x [B, T, C] but returns only the rows named by <paramref name="rows"/> (flat indices
    /// r·T + position, one per batch row), [B, C]; see <see cref="Gpt2Attention.ForwardAt"/>.
    /// </summary>
    /// <param name="x">Hidden states, [B, T, C].</param>
    /// <param name="rows">Flat indices of the kept positions, [B].</param>
    /// <param name="keyMask">[B, T] mask of the keys each kept query sees (real and not after it).</param>
    /// <returns>[B, C].</returns>
    internal Tensor ForwardAt(Tensor x, IntTensor rows, Tensor keyMask)
    {
        int b = x.Size(0), t = x.Size(1), c = x.Size(2);
        var a = Attention.ForwardAt(Norm1.Forward(x), rows, keyMask);
        var h = x.Reshape(b * t, c).IndexSelect(0, rows) + Tensor.Dropout(a, _dropout, IsTraining, _random);
        var m = Mlp.Forward(Norm2.Forward(h));
        return h + Tensor.Dropout(m, _dropout, IsTraining, _random);
    }
}
