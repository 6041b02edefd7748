using Alignment.NN;

namespace Alignment.Models.Gpt2;

/// <summary>GPT-2's feed-forward block: c_fc, GELU (tanh approximation) or ReLU, c_proj.</summary>
public sealed class Gpt2Mlp : Module
{
    private readonly bool _relu;

    /// <summary>Creates the block.</summary>
    /// <param name="config">The model configuration.</param>
    /// <param name="random">Seeded generator for initialisation.</param>
    public Gpt2Mlp(Gpt2Config config, RandomGenerator random)
        : this(config, WeightInit.From(random))
    {
    }

    /// <summary>Creates the block with parameters filled as <paramref name="init"/> says.</summary>
    /// <param name="config">The model configuration.</param>
    /// <param name="init">Random or zero parameters.</param>
    internal Gpt2Mlp(Gpt2Config config, WeightInit init)
    {
        ArgumentNullException.ThrowIfNull(config);
        _relu = config.ActivationFunction == "relu";
        Up = RegisterModule("c_fc", init.Conv1D(config.EmbeddingSize, config.ResolvedInnerSize, config.InitializerRange));
        Down = RegisterModule("c_proj", init.Conv1D(config.ResolvedInnerSize, config.EmbeddingSize, config.InitializerRange / MathF.Sqrt(2f * config.LayerCount)));
    }

    /// <summary>The expansion, weight [C, inner].</summary>
    public Conv1D Up { get; }

    /// <summary>The projection back, weight [inner, C].</summary>
    public Conv1D Down { get; }

    /// <summary>Applies the block to x [..., C].</summary>
    /// <param name="x">Input.</param>
    /// <returns>[..., C].</returns>
    public Tensor Forward(Tensor x)
    {
        var h = Up.Forward(x);
        return Down.Forward(_relu ? Tensor.Relu(h) : Tensor.Gelu(h));
    }
}
