namespace Alignment.Optim;

/// <summary>
/// A set of parameters that an optimizer updates with the same hyperparameters: its own weight decay
/// and a scale on the optimizer's learning rate.
/// </summary>
public sealed class ParameterGroup
{
    private double _weightDecay;
    private double _learningRateScale;

    /// <summary>Creates a group.</summary>
    /// <param name="parameters">The parameters with unique names (the names key the optimizer state).</param>
    /// <param name="weightDecay">The weight-decay coefficient of this group, finite and not negative. The default value is 0.</param>
    /// <param name="learningRateScale">The factor on the optimizer's learning rate for this group, finite and not negative. The default value is 1.</param>
    public ParameterGroup(IEnumerable<(string Name, Tensor Parameter)> parameters, double weightDecay = 0, double learningRateScale = 1)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        Parameters = parameters.ToArray();
        WeightDecay = weightDecay;
        LearningRateScale = learningRateScale;
    }

    /// <summary>The parameters with their names, in order.</summary>
    public IReadOnlyList<(string Name, Tensor Parameter)> Parameters { get; }

    /// <summary>The weight-decay coefficient of this group (finite, not negative).</summary>
    public double WeightDecay
    {
        get => _weightDecay;
        set => _weightDecay = CheckNonNegative(value, nameof(WeightDecay));
    }

    /// <summary>The factor on the optimizer's learning rate for this group (finite, not negative).</summary>
    public double LearningRateScale
    {
        get => _learningRateScale;
        set => _learningRateScale = CheckNonNegative(value, nameof(LearningRateScale));
    }

    internal static double CheckNonNegative(double value, string name) =>
        double.IsFinite(value) && value >= 0
            ? value
            : throw new ArgumentOutOfRangeException(name, value, $"{name} must be finite and not negative.");
}
