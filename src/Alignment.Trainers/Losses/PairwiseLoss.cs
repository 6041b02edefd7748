namespace Alignment.Trainers.Losses;

/// <summary>
/// The Bradley–Terry pairwise loss of InstructGPT and TRL's RewardTrainer:
/// L = −mean(log σ(r_c − r_r − margin)) + c · mean((r_c + r_r)²), where the second term (TRL's
/// center_rewards_coefficient) keeps the rewards centred on zero. log σ is computed stably as
/// min(x, 0) − log(1 + e^−|x|), so a large negative difference gives a large finite loss, not infinity.
/// </summary>
public sealed class PairwiseLoss : IRewardLoss
{
    /// <summary>Creates the loss.</summary>
    /// <param name="centerRewardsCoefficient">c, finite and not negative, or null for no centring term. The default value is null.</param>
    public PairwiseLoss(float? centerRewardsCoefficient = null)
    {
        if (centerRewardsCoefficient is { } c && !(float.IsFinite(c) && c >= 0))
        {
            throw new ArgumentOutOfRangeException(nameof(centerRewardsCoefficient), c, "The centring coefficient must be finite and not negative.");
        }

        CenterRewardsCoefficient = centerRewardsCoefficient;
    }

    /// <summary>The coefficient of mean((r_c + r_r)²), or null.</summary>
    public float? CenterRewardsCoefficient { get; }

    /// <inheritdoc/>
    public Tensor Compute(Tensor chosenRewards, Tensor rejectedRewards, Tensor? margins = null)
    {
        RewardLossShapes.Check(chosenRewards, rejectedRewards, margins);
        var difference = chosenRewards - rejectedRewards;   // [B]
        if (margins is not null)
        {
            difference -= margins;
        }

        var loss = -Tensor.LogSigmoid(difference).Mean();   // []
        if (CenterRewardsCoefficient is { } c && c != 0f)
        {
            loss += c * Tensor.Square(chosenRewards + rejectedRewards).Mean();
        }

        return loss;
    }
}
