using Alignment.Trainers.Losses;
using Alignment.Trainers.RewardModeling;
using Alignment.Trainers.Training;

namespace Alignment.Trainers.Tests.RewardModeling;

public class RewardModelTrainerOptionsTests
{
    [Fact]
    public void Defaults_AreTheDocumentedValues()
    {
        var options = new RewardModelTrainerOptions();
        Assert.Equal(1, options.Epochs);
        Assert.Equal(8, options.BatchSize);
        Assert.Null(options.EvaluationBatchSize);
        Assert.Equal(1, options.GradientAccumulationSteps);
        Assert.Equal(5e-5, options.LearningRate);
        Assert.Equal(0.0, options.WeightDecay);
        Assert.Equal(LearningRateScheduleKind.Linear, options.Schedule);
        Assert.Equal(0, options.WarmupSteps);
        Assert.Equal(0.0, options.WarmupRatio);
        Assert.Equal(1.0, options.MaxGradNorm);
        Assert.Equal(512, options.MaxLength);
        Assert.False(options.AppendEndOfText);
        Assert.Equal(RewardLossKind.Pairwise, options.Loss);
        Assert.Null(options.CenterRewardsCoefficient);
        Assert.Null(options.EvaluationSteps);
        Assert.Equal(10, options.LoggingSteps);
        Assert.Equal(42UL, options.Seed);
        Assert.Null(options.CheckpointDirectory);
        Assert.Null(options.CheckpointSteps);
        Assert.Null(options.ResumeFromCheckpoint);
        Assert.Empty(options.Validate());
    }

    [Fact]
    public void Validate_ManyBadValues_ReportsEachOne()
    {
        var options = new RewardModelTrainerOptions
        {
            Epochs = 0,
            BatchSize = -1,
            EvaluationBatchSize = 0,
            GradientAccumulationSteps = 0,
            LearningRate = double.NaN,
            WeightDecay = -0.1,
            WarmupSteps = -1,
            WarmupRatio = 2,
            MaxGradNorm = 0,
            MaxLength = 0,
            EvaluationSteps = 0,
            LoggingSteps = 0,
            CheckpointSteps = 0,
            Loss = RewardLossKind.LogExp,
            CenterRewardsCoefficient = 0.01f,
            Schedule = (LearningRateScheduleKind)42,
            ResumeFromCheckpoint = "/no/such/directory",
        };
        var errors = options.Validate();
        string[] expected =
        [
            "Epochs must be at least 1, got 0.",
            "BatchSize must be at least 1, got -1.",
            "EvaluationBatchSize must be at least 1, got 0.",
            "GradientAccumulationSteps must be at least 1, got 0.",
            "MaxLength must be at least 1, got 0.",
            "EvaluationSteps must be at least 1, got 0.",
            "LoggingSteps must be at least 1, got 0.",
            "CheckpointSteps must be at least 1, got 0.",
            "LearningRate must be finite and greater than 0, got NaN.",
            "WeightDecay must be finite and not negative, got -0.1.",
            "Schedule 42 is not a known schedule.",
            "WarmupSteps must not be negative, got -1.",
            "WarmupRatio must be in [0, 1], got 2.",
            "MaxGradNorm must be finite and greater than 0 (or null for no clipping), got 0.",
            "CenterRewardsCoefficient is used only by the Pairwise loss, but Loss is LogExp.",
            "CheckpointSteps needs a CheckpointDirectory.",
            "ResumeFromCheckpoint '/no/such/directory' is not an existing directory.",
        ];
        Assert.Equal(expected, errors);
    }
}
