namespace Alignment.Trainers.RewardModeling;

/// <summary>The statistics of one optimizer step of reward-model training, over the pairs of that step.</summary>
/// <param name="Step">The 1-based optimizer step.</param>
/// <param name="Epoch">The epochs completed so far, fractional (1.5 = halfway through the second epoch).</param>
/// <param name="Loss">The mean loss over the step's pairs.</param>
/// <param name="Accuracy">The share of the step's pairs with r_c &gt; r_r, in [0, 1].</param>
/// <param name="MeanMargin">The mean of r_c − r_r over the step's pairs.</param>
/// <param name="LearningRate">The learning rate the step used.</param>
/// <param name="GradNorm">The global gradient norm before clipping.</param>
public sealed record RewardModelMetrics(int Step, double Epoch, double Loss, double Accuracy, double MeanMargin, double LearningRate, double GradNorm);
