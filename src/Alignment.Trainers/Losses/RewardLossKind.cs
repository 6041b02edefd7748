namespace Alignment.Trainers.Losses;

/// <summary>The built-in reward-model losses.</summary>
public enum RewardLossKind
{
    /// <summary><see cref="PairwiseLoss"/>: −mean(log σ(r_c − r_r − margin)), with an optional reward-centring term (TRL).</summary>
    Pairwise,

    /// <summary><see cref="LogExpLoss"/>: mean(log(1 + exp(r_r − r_c))) (ColossalAI), without margins.</summary>
    LogExp,
}
