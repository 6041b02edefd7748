namespace Alignment.Optim;

/// <summary>
/// Linear warm-up from 0 to the base learning rate, then linear decay to 0 at <see cref="TotalSteps"/>
/// (Hugging Face's get_linear_schedule_with_warmup): factor = step / warmup while step &lt; warmup,
/// else max(0, (total − step) / max(1, total − warmup)).
/// </summary>
public sealed class LinearWithWarmupSchedule : ILearningRateSchedule
{
    /// <summary>Creates the schedule.</summary>
    /// <param name="warmupSteps">The number of warm-up steps, not negative.</param>
    /// <param name="totalSteps">The step at which the factor reaches 0, at least <paramref name="warmupSteps"/>.</param>
    public LinearWithWarmupSchedule(int warmupSteps, int totalSteps)
    {
        Warmup.Check(warmupSteps, totalSteps);
        WarmupSteps = warmupSteps;
        TotalSteps = totalSteps;
    }

    /// <summary>The number of warm-up steps.</summary>
    public int WarmupSteps { get; }

    /// <summary>The step at which the factor reaches 0 (and stays).</summary>
    public int TotalSteps { get; }

    /// <inheritdoc/>
    public double GetFactor(int step)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(step);
        return step < WarmupSteps
            ? Warmup.Factor(step, WarmupSteps)
            : Math.Max(0, (double)(TotalSteps - step) / Math.Max(1, TotalSteps - WarmupSteps));
    }
}
