using Alignment.NN;

namespace Alignment.Models.Heads;

/// <summary>
/// A scalar head on hidden states, as TRL's ValueHead: optional dropout, then <c>summary</c> = Linear(hidden, 1),
/// giving one value per token.
/// </summary>
public sealed class ValueHead : Module
{
    private readonly float _dropout;
    private readonly RandomGenerator _random;

    /// <summary>
    /// Creates the head with weights N(0, <paramref name="std"/>²) and a zero bias. The generator is registered as
    /// "random" (see <see cref="Module.NamedRandomGenerators"/>), so that checkpoints can keep the dropout's state.
    /// </summary>
    /// <param name="hiddenSize">Size of the hidden states.</param>
    /// <param name="random">Seeded generator for initialisation and dropout.</param>
    /// <param name="dropout">Dropout before the projection. The default value is 0.</param>
    /// <param name="std">Initial standard deviation. The default value is 0.02.</param>
    public ValueHead(int hiddenSize, RandomGenerator random, float dropout = 0f, float std = 0.02f)
    {
        ArgumentNullException.ThrowIfNull(random);
        if (dropout is < 0f or >= 1f)
        {
            throw new ArgumentOutOfRangeException(nameof(dropout), $"Dropout must be in [0, 1), got {dropout}.");
        }

        _dropout = dropout;
        _random = RegisterRandomGenerator("random", random);
        Summary = RegisterModule("summary", Linear.WithNormalInit(hiddenSize, 1, std, bias: true, random));
    }

    /// <summary>The dropout probability before the projection.</summary>
    public float DropoutProbability => _dropout;

    /// <summary>The projection Linear(hidden, 1).</summary>
    public Linear Summary { get; }

    /// <summary>Values [..., ] for hidden states [..., hidden] (the last dimension is removed).</summary>
    /// <param name="hidden">Hidden states.</param>
    /// <returns>One value per position.</returns>
    public Tensor Forward(Tensor hidden)
    {
        ArgumentNullException.ThrowIfNull(hidden);
        var h = Tensor.Dropout(hidden, _dropout, IsTraining, _random);
        return Summary.Forward(h).Squeeze(-1);
    }
}
