namespace Alignment.Trainers.RewardModeling;

/// <summary>The outcome of <see cref="RewardModelTrainer.Train"/>.</summary>
/// <param name="Steps">The optimizer steps completed, including those before a resume.</param>
/// <param name="LastMetrics">The statistics of the last step this run took, or null when it took none.</param>
/// <param name="Evaluation">The final evaluation, or null without evaluation data.</param>
/// <param name="ResumedFromStep">The step the run resumed from, or null when it started fresh.</param>
/// <param name="Elapsed">The time this run took.</param>
public sealed record RewardModelTrainingResult(int Steps, RewardModelMetrics? LastMetrics, RewardModelEvaluation? Evaluation, int? ResumedFromStep, TimeSpan Elapsed);
