namespace Alignment.Trainers.Losses;

/// <summary>
/// ColossalAI's LogExpLoss: L = mean(log(1 + exp(r_r − r_c))). It equals the pairwise loss without margin
/// (log(1 + e^x) = −log σ(−x)) and is computed that way, stably; margins are ignored.
/// </summary>
public sealed class LogExpLoss : IRewardLoss
{
    /// <inheritdoc/>
    public Tensor Compute(Tensor chosenRewards, Tensor rejectedRewards, Tensor? margins = null)
    {
        RewardLossShapes.Check(chosenRewards, rejectedRewards, margins);
        return -Tensor.LogSigmoid(chosenRewards - rejectedRewards).Mean();
    }
}
