using Alignment.NN;

namespace Alignment.Models.Gpt2;

/// <summary>
/// How the GPT-2 modules fill the parameters they create: drawn from a seeded generator (a new model), or left zero
/// (<see cref="Zeros"/>) when the weights are loaded right after, which spares one normal draw per parameter
/// (124M for GPT-2 small).
/// </summary>
internal readonly record struct WeightInit
{
    private readonly RandomGenerator? _random;

    private WeightInit(RandomGenerator random) => _random = random;

    /// <summary>Zero parameters, no draws.</summary>
    public static WeightInit Zeros => default;

    /// <summary>Parameters drawn from <paramref name="random"/>.</summary>
    public static WeightInit From(RandomGenerator random) => new(random ?? throw new ArgumentNullException(nameof(random)));

    /// <summary>An embedding drawn N(0, <paramref name="std"/>²), or zero.</summary>
    public Embedding Embedding(int count, int dimension, float std) =>
        _random is null ? new Embedding(count, dimension) : new Embedding(count, dimension, _random, std);

    /// <summary>A Conv1D with weights drawn N(0, <paramref name="std"/>²), or zero, and a zero bias.</summary>
    public Conv1D Conv1D(int inFeatures, int outFeatures, float std) =>
        _random is null ? new Conv1D(inFeatures, outFeatures) : new Conv1D(inFeatures, outFeatures, _random, std);
}
