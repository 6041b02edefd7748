namespace Alignment.Optim;

/// <summary>The hyperparameters of <see cref="AdamW"/>, with PyTorch's defaults.</summary>
public sealed class AdamWOptions
{
    /// <summary>The base learning rate, finite and not negative. The default value is 1e-3.</summary>
    public double LearningRate { get; set; } = 1e-3;

    /// <summary>The decay rate of the first-moment average, in [0, 1). The default value is 0.9.</summary>
    public double Beta1 { get; set; } = 0.9;

    /// <summary>The decay rate of the second-moment average, in [0, 1). The default value is 0.999.</summary>
    public double Beta2 { get; set; } = 0.999;

    /// <summary>The term added to the denominator for stability, finite and greater than 0. The default value is 1e-8.</summary>
    public double Epsilon { get; set; } = 1e-8;

    /// <summary>
    /// The decoupled weight-decay coefficient for the parameters that <see cref="NoDecay"/> does not
    /// exclude, finite and not negative. The default value is 0.01.
    /// </summary>
    public double WeightDecay { get; set; } = 0.01;

    /// <summary>
    /// Chooses, from a parameter's dotted name and tensor, the parameters that get no weight decay.
    /// The default value is <see cref="IsExcludedFromDecayByDefault"/>: biases, normalisation weights and embeddings.
    /// </summary>
    public Func<string, Tensor, bool> NoDecay { get; set; } = IsExcludedFromDecayByDefault;

    /// <summary>
    /// The default weight-decay exclusion rule. A parameter is excluded (no decay) when its rank is
    /// below 2 (biases, LayerNorm weights and biases, scalars), or when any dot-separated segment of its
    /// name, compared case-insensitively, is "wte" or "wpe", starts with "ln" ("ln_1", "ln_f"), or
    /// contains "norm" or "embed" ("layernorm", "embed_tokens", "embeddings"). Every other parameter,
    /// i.e. every other matrix, is decayed: nanoGPT's rule, with embeddings also excluded.
    /// </summary>
    /// <param name="name">The parameter's dotted name.</param>
    /// <param name="parameter">The parameter.</param>
    /// <returns>True when the parameter gets no weight decay.</returns>
    public static bool IsExcludedFromDecayByDefault(string name, Tensor parameter)
    {
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(parameter);
        if (parameter.Rank < 2)
        {
            return true;
        }

        foreach (var segment in name.Split('.'))
        {
            if (segment.Equals("wte", StringComparison.OrdinalIgnoreCase)
                || segment.Equals("wpe", StringComparison.OrdinalIgnoreCase)
                || segment.StartsWith("ln", StringComparison.OrdinalIgnoreCase)
                || segment.Contains("norm", StringComparison.OrdinalIgnoreCase)
                || segment.Contains("embed", StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Checks every value and reports all problems at once.</summary>
    /// <exception cref="ArgumentException">Some value is out of range; the message lists each one.</exception>
    internal void Validate()
    {
        var errors = new List<string>();
        if (!double.IsFinite(LearningRate) || LearningRate < 0)
        {
            errors.Add($"LearningRate must be finite and not negative, got {LearningRate}.");
        }

        if (!(Beta1 >= 0 && Beta1 < 1))
        {
            errors.Add($"Beta1 must be in [0, 1), got {Beta1}.");
        }

        if (!(Beta2 >= 0 && Beta2 < 1))
        {
            errors.Add($"Beta2 must be in [0, 1), got {Beta2}.");
        }

        if (!double.IsFinite(Epsilon) || Epsilon <= 0)
        {
            errors.Add($"Epsilon must be finite and greater than 0, got {Epsilon}.");
        }

        if (!double.IsFinite(WeightDecay) || WeightDecay < 0)
        {
            errors.Add($"WeightDecay must be finite and not negative, got {WeightDecay}.");
        }

        if (NoDecay is null)
        {
            errors.Add("NoDecay must not be null.");
        }

        if (errors.Count > 0)
        {
            throw new ArgumentException($"Invalid AdamWOptions: {string.Join(" ", errors)}");
        }
    }
}
