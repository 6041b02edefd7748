namespace Alignment.NN;

/// <summary>
/// A fully connected layer, y = x·Wᵀ + b, with <see cref="Weight"/> stored [out, in] as in PyTorch.
/// Parameters: "weight" and, when enabled, "bias".
/// </summary>
public sealed class Linear : Module
{
    /// <summary>
    /// Creates a layer initialised as PyTorch's nn.Linear: weight and bias drawn from
    /// U(−1/√in, 1/√in) (Kaiming-uniform with a = √5).
    /// </summary>
    /// <param name="inFeatures">The size of each input's last dimension.</param>
    /// <param name="outFeatures">The size of each output's last dimension.</param>
    /// <param name="bias">Whether to add a learned bias. The default value is true.</param>
    /// <param name="random">The generator for the initial values. The default value is null: a per-thread generator with a fixed seed.</param>
    public Linear(int inFeatures, int outFeatures, bool bias = true, RandomGenerator? random = null)
        : this(inFeatures, outFeatures, bias, random, std: null)
    {
    }

    private Linear(int inFeatures, int outFeatures, bool bias, RandomGenerator? random, float? std)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(inFeatures);
        ArgumentOutOfRangeException.ThrowIfNegative(outFeatures);
        InFeatures = inFeatures;
        OutFeatures = outFeatures;
        random ??= DefaultRandom.Current;
        var bound = inFeatures > 0 ? 1f / MathF.Sqrt(inFeatures) : 0f;
        Weight = RegisterParameter("weight", std is { } s
            ? Tensor.RandomNormal(random, 0f, s, outFeatures, inFeatures)
            : Tensor.RandomUniform(random, -bound, bound, outFeatures, inFeatures));
        if (bias)
        {
            Bias = RegisterParameter("bias", std is null
                ? Tensor.RandomUniform(random, -bound, bound, outFeatures)
                : Tensor.Zeros(outFeatures));
        }
    }

    /// <summary>The size of each input's last dimension.</summary>
    public int InFeatures { get; }

    /// <summary>The size of each output's last dimension.</summary>
    public int OutFeatures { get; }

    /// <summary>The weight, [out, in].</summary>
    public Tensor Weight { get; }

    /// <summary>The bias, [out], or null when the layer has none.</summary>
    public Tensor? Bias { get; }

    /// <summary>
    /// Creates a layer initialised GPT-2 style: weight drawn from N(0, <paramref name="std"/>²), bias zero.
    /// </summary>
    /// <param name="inFeatures">The size of each input's last dimension.</param>
    /// <param name="outFeatures">The size of each output's last dimension.</param>
    /// <param name="std">The standard deviation of the weights (GPT-2 uses 0.02); not negative.</param>
    /// <param name="bias">Whether to add a learned bias. The default value is true.</param>
    /// <param name="random">The generator for the initial values. The default value is null: a per-thread generator with a fixed seed.</param>
    /// <returns>The layer.</returns>
    public static Linear WithNormalInit(int inFeatures, int outFeatures, float std, bool bias = true, RandomGenerator? random = null)
    {
        if (!(std >= 0f) || float.IsInfinity(std))
        {
            throw new ArgumentOutOfRangeException(nameof(std), std, "The standard deviation must be finite and not negative.");
        }

        return new Linear(inFeatures, outFeatures, bias, random, std);
    }

    /// <summary>Applies the layer.</summary>
    /// <param name="input">x, [..., in].</param>
    /// <returns>y, [..., out].</returns>
    public Tensor Forward(Tensor input) => Tensor.Linear(input, Weight, Bias);
}
