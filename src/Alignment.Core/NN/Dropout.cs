namespace Alignment.NN;

/// <summary>
/// Inverted dropout: in training mode zeroes each element with probability <see cref="P"/> and scales
/// the others by 1/(1 − p); in evaluation mode (<see cref="Module.Eval"/>) returns its input unchanged.
/// Its generator is registered as "random" (see <see cref="Module.NamedRandomGenerators"/>), so checkpoints can keep
/// its state.
/// </summary>
public sealed class Dropout : Module
{
    private readonly RandomGenerator _random;

    /// <summary>Creates a dropout layer.</summary>
    /// <param name="p">The drop probability, in [0, 1). The default value is 0.1.</param>
    /// <param name="random">The generator that draws the masks. The default value is null: a per-thread generator with a fixed seed.</param>
    public Dropout(float p = 0.1f, RandomGenerator? random = null)
    {
        if (!(p >= 0f && p < 1f))
        {
            throw new ArgumentOutOfRangeException(nameof(p), p, "The dropout probability must be in [0, 1).");
        }

        P = p;
        _random = RegisterRandomGenerator("random", random ?? DefaultRandom.Current);
    }

    /// <summary>The drop probability.</summary>
    public float P { get; }

    /// <summary>Applies dropout in training mode; returns <paramref name="input"/> itself in evaluation mode.</summary>
    /// <param name="input">Any tensor.</param>
    /// <returns>The result, same shape.</returns>
    public Tensor Forward(Tensor input) => Tensor.Dropout(input, P, IsTraining, _random);
}
