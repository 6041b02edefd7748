namespace Alignment.Trainers.RewardModeling;

/// <summary>Where reward-model training stands, reported after every optimizer step.</summary>
/// <param name="Step">The optimizer steps completed.</param>
/// <param name="TotalSteps">The optimizer steps of the whole run.</param>
/// <param name="Epoch">The epochs completed so far, fractional.</param>
/// <param name="Loss">The loss of the last step.</param>
/// <param name="Elapsed">The time since this run started (not counting the run before a resume).</param>
public sealed record RewardModelProgress(int Step, int TotalSteps, double Epoch, double Loss, TimeSpan Elapsed)
{
    /// <summary>The share of the run done, in [0, 1].</summary>
    public double Fraction => TotalSteps == 0 ? 1 : (double)Step / TotalSteps;
}
