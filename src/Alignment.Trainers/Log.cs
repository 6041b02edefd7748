using Microsoft.Extensions.Logging;

namespace Alignment.Trainers;

/// <summary>The source-generated log messages of Alignment.Trainers.</summary>
internal static partial class Log
{
    [LoggerMessage(EventId = 1, Level = LogLevel.Information, Message = "Training a reward model on {PairCount} pairs for {Epochs} epoch(s): {TotalSteps} steps of up to {PairsPerStep} pairs, learning rate {LearningRate}.")]
    public static partial void RewardTrainingStarted(ILogger logger, int pairCount, int epochs, int totalSteps, int pairsPerStep, double learningRate);

    [LoggerMessage(EventId = 2, Level = LogLevel.Information, Message = "Step {Step}/{TotalSteps} (epoch {Epoch:F2}): loss {Loss:F4}, accuracy {Accuracy:P1}, mean margin {MeanMargin:F3}, learning rate {LearningRate:G3}, gradient norm {GradNorm:F3}.")]
    public static partial void RewardStepCompleted(ILogger logger, int step, int totalSteps, double epoch, double loss, double accuracy, double meanMargin, double learningRate, double gradNorm);

    [LoggerMessage(EventId = 3, Level = LogLevel.Information, Message = "Evaluation at step {Step} on {PairCount} pairs: loss {Loss:F4}, accuracy {Accuracy:P1}, mean margin {MeanMargin:F3}.")]
    public static partial void RewardEvaluated(ILogger logger, int step, int pairCount, double loss, double accuracy, double meanMargin);

    [LoggerMessage(EventId = 4, Level = LogLevel.Information, Message = "Saved checkpoint {Path} at step {Step}.")]
    public static partial void CheckpointSaved(ILogger logger, string path, int step);

    [LoggerMessage(EventId = 5, Level = LogLevel.Information, Message = "Resumed from checkpoint {Path} at step {Step} of {TotalSteps}.")]
    public static partial void Resumed(ILogger logger, string path, int step, int totalSteps);

    [LoggerMessage(EventId = 6, Level = LogLevel.Warning, Message = "{Count} of {Total} {DataSet} pairs have the same tokens for chosen and rejected after truncation to {MaxLength}; no model can tell them apart and they hold the loss at ln 2.")]
    public static partial void IndistinguishablePairs(ILogger logger, int count, int total, string dataSet, int maxLength);

    [LoggerMessage(EventId = 7, Level = LogLevel.Information, Message = "{Count} of {Total} {DataSet} pairs were truncated to {MaxLength} tokens (prompts are cut from the left first).")]
    public static partial void PairsTruncated(ILogger logger, int count, int total, string dataSet, int maxLength);

    [LoggerMessage(EventId = 8, Level = LogLevel.Error, Message = "{Message}")]
    public static partial void TrainingDiverged(ILogger logger, string message);

    [LoggerMessage(EventId = 9, Level = LogLevel.Warning, Message = "Training cancelled after step {Step}.")]
    public static partial void TrainingCancelled(ILogger logger, int step);

    [LoggerMessage(EventId = 10, Level = LogLevel.Information, Message = "Training finished at step {Step} in {Elapsed}.")]
    public static partial void TrainingFinished(ILogger logger, int step, TimeSpan elapsed);

    [LoggerMessage(EventId = 11, Level = LogLevel.Warning, Message = "The checkpoint {Path} holds no random states of the model; with dropout, the resumed run draws other masks than an uninterrupted one would.")]
    public static partial void NoModelRandomStates(ILogger logger, string path);
}
