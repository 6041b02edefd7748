namespace Alignment.Trainers.RewardModeling;

/// <summary>The observers a builder collected: callbacks and the progress receiver.</summary>
internal sealed class RewardModelTrainerCallbacks(
    IReadOnlyList<Action<RewardModelMetrics>> stepCompleted,
    IReadOnlyList<Action<RewardModelEvaluation>> evaluated,
    IReadOnlyList<Action<string>> checkpointSaved,
    IProgress<RewardModelProgress>? progress)
{
    public void StepCompleted(RewardModelMetrics metrics)
    {
        foreach (var callback in stepCompleted)
        {
            callback(metrics);
        }
    }

    public void Evaluated(RewardModelEvaluation evaluation)
    {
        foreach (var callback in evaluated)
        {
            callback(evaluation);
        }
    }

    public void CheckpointSaved(string path)
    {
        foreach (var callback in checkpointSaved)
        {
            callback(path);
        }
    }

    public void Report(RewardModelProgress value) => progress?.Report(value);
}
