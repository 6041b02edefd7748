namespace Alignment.Optim;

/// <summary>
/// Linear warm-up from 0 to the base learning rate over <see cref="WarmupSteps"/> steps, then constant
/// (Hugging Face's get_constant_schedule_with_warmup): factor = step / warmup while step &lt; warmup, else 1.
/// </summary>
public sealed class ConstantWithWarmupSchedule : ILearningRateSchedule
{
    /// <summary>Creates the schedule.</summary>
    /// <param name="warmupSteps">The number of warm-up steps, not negative.</param>
    public ConstantWithWarmupSchedule(int warmupSteps)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(warmupSteps);
        WarmupSteps = warmupSteps;
    }

    /// <summary>The number of warm-up steps.</summary>
    public int WarmupSteps { get; }

    /// <inheritdoc/>
    public double GetFactor(int step)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(step);
        return step < WarmupSteps ? Warmup.Factor(step, WarmupSteps) : 1;
    }
}
