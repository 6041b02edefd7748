namespace Alignment.Trainers.Losses;

/// <summary>
/// A reward-model loss over the rewards of chosen and rejected responses. It must be a mean over the pairs: the trainer
/// weights micro-batches by their pair counts when it accumulates gradients.
/// </summary>
public interface IRewardLoss
{
    /// <summary>Computes the loss.</summary>
    /// <param name="chosenRewards">Rewards of the chosen responses, [B].</param>
    /// <param name="rejectedRewards">Rewards of the rejected responses, [B].</param>
    /// <param name="margins">Margins, [B], or null for none. The default value is null.</param>
    /// <returns>A scalar tensor connected to the rewards' graph.</returns>
    Tensor Compute(Tensor chosenRewards, Tensor rejectedRewards, Tensor? margins = null);
}
