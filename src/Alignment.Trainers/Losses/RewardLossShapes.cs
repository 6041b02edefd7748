namespace Alignment.Trainers.Losses;

/// <summary>Argument checks shared by the losses.</summary>
internal static class RewardLossShapes
{
    public static void Check(Tensor chosenRewards, Tensor rejectedRewards, Tensor? margins)
    {
        ArgumentNullException.ThrowIfNull(chosenRewards);
        ArgumentNullException.ThrowIfNull(rejectedRewards);
        if (chosenRewards.Rank != 1 || !chosenRewards.Shape.SequenceEqual(rejectedRewards.Shape))
        {
            throw new ArgumentException($"The chosen and rejected rewards must both be [B]; got {chosenRewards} and {rejectedRewards}.", nameof(rejectedRewards));
        }

        if (chosenRewards.ElementCount == 0)
        {
            throw new ArgumentException("The rewards are empty; a loss needs at least one pair.", nameof(chosenRewards));
        }

        if (margins is not null && !margins.Shape.SequenceEqual(chosenRewards.Shape))
        {
            throw new ArgumentException($"The margins must be [{chosenRewards.ElementCount}] like the rewards; got {margins}.", nameof(margins));
        }
    }
}
