namespace Alignment.NN;

/// <summary>A lookup table of learned vectors (PyTorch's nn.Embedding), initialised N(0, <c>std</c>²).</summary>
public sealed class Embedding : Module
{
    /// <summary>Creates the table.</summary>
    /// <param name="count">Number of rows (vocabulary or positions).</param>
    /// <param name="dimension">Vector size.</param>
    /// <param name="random">Seeded generator for the initial values.</param>
    /// <param name="std">Initial standard deviation. The default value is 0.02 (GPT-2).</param>
    public Embedding(int count, int dimension, RandomGenerator random, float std = 0.02f)
        : this(count, dimension, std, random ?? throw new ArgumentNullException(nameof(random)))
    {
    }

    /// <summary>Creates a zero table, for weights that are loaded right after (no random draws).</summary>
    /// <param name="count">Number of rows.</param>
    /// <param name="dimension">Vector size.</param>
    internal Embedding(int count, int dimension)
        : this(count, dimension, 0f, null)
    {
    }

    /// <summary>Creates the table, drawn N(0, <paramref name="std"/>²) from <paramref name="random"/>, or zero without one.</summary>
    private Embedding(int count, int dimension, float std, RandomGenerator? random)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(dimension, 1);
        Weight = RegisterParameter("weight", Tensor.ZerosUnscoped([count, dimension]));
        if (random is null)
        {
            return;
        }

        Weight.FillNormal(random, 0f, std);
    }

    /// <summary>The table, [count, dimension].</summary>
    public Tensor Weight { get; }

    /// <summary>Looks up ids [...] → [..., dimension].</summary>
    /// <param name="ids">Indices in [0, count).</param>
    /// <returns>The vectors.</returns>
    public Tensor Forward(IntTensor ids) => Tensor.Embedding(ids, Weight);
}
