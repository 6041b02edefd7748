namespace Alignment.Optim;

/// <summary>
/// Linear warm-up from 0 to the base learning rate, then a cosine decay (Hugging Face's
/// get_cosine_schedule_with_warmup): factor = step / warmup while step &lt; warmup, else with
/// progress = min(1, (step − warmup) / max(1, total − warmup)),
/// max(0, ½(1 + cos(π · 2 · cycles · progress))). With the default half cycle it reaches 0 at
/// <see cref="TotalSteps"/>. Unlike Hugging Face's, the factor stays at its final value after
/// <see cref="TotalSteps"/> (progress is capped at 1) instead of rising along the cosine again.
/// </summary>
public sealed class CosineWithWarmupSchedule : ILearningRateSchedule
{
    /// <summary>Creates the schedule.</summary>
    /// <param name="warmupSteps">The number of warm-up steps, not negative.</param>
    /// <param name="totalSteps">The last step of the decay, at least <paramref name="warmupSteps"/>.</param>
    /// <param name="cycles">The number of cosine periods over the decay, finite and not negative. The default value is 0.5 (from 1 down to 0).</param>
    public CosineWithWarmupSchedule(int warmupSteps, int totalSteps, double cycles = 0.5)
    {
        Warmup.Check(warmupSteps, totalSteps);
        if (!double.IsFinite(cycles) || cycles < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(cycles), cycles, "The number of cycles must be finite and not negative.");
        }

        WarmupSteps = warmupSteps;
        TotalSteps = totalSteps;
        Cycles = cycles;
    }

    /// <summary>The number of warm-up steps.</summary>
    public int WarmupSteps { get; }

    /// <summary>The last step of the decay.</summary>
    public int TotalSteps { get; }

    /// <summary>The number of cosine periods over the decay.</summary>
    public double Cycles { get; }

    /// <inheritdoc/>
    public double GetFactor(int step)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(step);
        if (step < WarmupSteps)
        {
            return Warmup.Factor(step, WarmupSteps);
        }

        var progress = Math.Min(1, (double)(step - WarmupSteps) / Math.Max(1, TotalSteps - WarmupSteps));
        return Math.Max(0, 0.5 * (1 + Math.Cos(Math.PI * Cycles * 2 * progress)));
    }
}
