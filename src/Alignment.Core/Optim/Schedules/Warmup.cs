namespace Alignment.Optim;

/// <summary>Argument checks and the linear warm-up shared by the schedules.</summary>
internal static class Warmup
{
    /// <summary>step / warmupSteps during the warm-up (0 at step 0).</summary>
    public static double Factor(int step, int warmupSteps) => (double)step / Math.Max(1, warmupSteps);

    public static void Check(int warmupSteps, int totalSteps)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(warmupSteps);
        if (totalSteps < warmupSteps)
        {
            throw new ArgumentOutOfRangeException(nameof(totalSteps), totalSteps, $"The total number of steps must be at least the {warmupSteps} warm-up steps.");
        }
    }
}
