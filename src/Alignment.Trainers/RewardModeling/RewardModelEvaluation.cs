namespace Alignment.Trainers.RewardModeling;

/// <summary>How a reward model does on held-out preference pairs.</summary>
/// <param name="Step">The optimizer steps completed when it was measured.</param>
/// <param name="PairCount">The number of pairs.</param>
/// <param name="Loss">The mean loss.</param>
/// <param name="Accuracy">The share of pairs with r_c &gt; r_r, in [0, 1] (ties count as wrong).</param>
/// <param name="MeanMargin">The mean of r_c − r_r.</param>
/// <param name="MeanChosenReward">The mean reward of the chosen responses.</param>
/// <param name="MeanRejectedReward">The mean reward of the rejected responses.</param>
public sealed record RewardModelEvaluation(int Step, int PairCount, double Loss, double Accuracy, double MeanMargin, double MeanChosenReward, double MeanRejectedReward);
