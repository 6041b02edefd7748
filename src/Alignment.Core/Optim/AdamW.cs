namespace Alignment.Optim;

/// <summary>
/// Adam with decoupled weight decay, exactly as torch.optim.AdamW (without amsgrad). For each
/// parameter with a gradient g, at its t-th update:
/// p ← p − lr·wd·p; m ← β₁m + (1−β₁)g; v ← β₂v + (1−β₂)g²;
/// p ← p − lr·m̂ / (√v̂ + ε) with m̂ = m/(1−β₁ᵗ), v̂ = v/(1−β₂ᵗ).
/// State buffers: "exp_avg" (m) and "exp_avg_sq" (v).
/// </summary>
public sealed class AdamW : Optimizer
{
    private static readonly string[] BufferNames = ["exp_avg", "exp_avg_sq"];
    private readonly double _beta1;
    private readonly double _beta2;
    private readonly double _epsilon;

    /// <summary>
    /// Creates the optimizer with two groups: the parameters that <see cref="AdamWOptions.NoDecay"/>
    /// excludes get weight decay 0, the others <see cref="AdamWOptions.WeightDecay"/>.
    /// </summary>
    /// <param name="namedParameters">The parameters with unique names, usually <c>model.NamedParameters()</c>.</param>
    /// <param name="options">The hyperparameters. The default value is null: <see cref="AdamWOptions"/>'s defaults.</param>
    public AdamW(IEnumerable<(string Name, Tensor Parameter)> namedParameters, AdamWOptions? options = null)
        : this(Validated(options), namedParameters)
    {
    }

    /// <summary>
    /// Creates the optimizer over explicit groups, each with its own weight decay and learning-rate
    /// scale; <see cref="AdamWOptions.WeightDecay"/> and <see cref="AdamWOptions.NoDecay"/> are not used.
    /// </summary>
    /// <param name="groups">The parameter groups; parameter names must be unique across groups.</param>
    /// <param name="options">The hyperparameters. The default value is null: <see cref="AdamWOptions"/>'s defaults.</param>
    public AdamW(IEnumerable<ParameterGroup> groups, AdamWOptions? options = null)
        : this(Validated(options), groups)
    {
    }

    private AdamW(AdamWOptions options, IEnumerable<(string Name, Tensor Parameter)> namedParameters)
        : this(options, SplitByDecay(namedParameters, options))
    {
    }

    private AdamW(AdamWOptions options, IEnumerable<ParameterGroup> groups)
        : base(groups, options.LearningRate, BufferNames.Length)
    {
        _beta1 = options.Beta1;
        _beta2 = options.Beta2;
        _epsilon = options.Epsilon;
    }

    /// <inheritdoc/>
    private protected override IReadOnlyList<string> StateBufferNames => BufferNames;

    /// <inheritdoc/>
    private protected override void Update(OptimizerSlot slot, ReadOnlySpan<float> grad, double learningRate, double weightDecay)
    {
        var scalars = new AdamWScalars(learningRate, weightDecay, _beta1, _beta2, _epsilon, slot.Step);
        AdamWKernel.Update(slot.Parameter.Span, grad, slot.Buffer(0), slot.Buffer(1), scalars);
    }

    private static AdamWOptions Validated(AdamWOptions? options)
    {
        options ??= new AdamWOptions();
        options.Validate();
        return options;
    }

    private static ParameterGroup[] SplitByDecay(IEnumerable<(string Name, Tensor Parameter)> namedParameters, AdamWOptions options)
    {
        ArgumentNullException.ThrowIfNull(namedParameters);
        var decay = new List<(string Name, Tensor Parameter)>();
        var noDecay = new List<(string Name, Tensor Parameter)>();
        foreach (var (name, parameter) in namedParameters)
        {
            ArgumentNullException.ThrowIfNull(parameter, nameof(namedParameters));
            (options.NoDecay(name, parameter) ? noDecay : decay).Add((name, parameter));
        }

        return [new ParameterGroup(decay, options.WeightDecay), new ParameterGroup(noDecay, 0)];
    }
}
