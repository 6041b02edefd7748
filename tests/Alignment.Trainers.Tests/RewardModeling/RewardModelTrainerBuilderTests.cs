using Alignment.Trainers.Data;
using Alignment.Trainers.Losses;
using Alignment.Trainers.RewardModeling;
using Alignment.Trainers.Tests.Testing;
using Alignment.Trainers.Training;

namespace Alignment.Trainers.Tests.RewardModeling;

public class RewardModelTrainerBuilderTests
{
    [Fact]
    public void Build_NothingGiven_ListsEveryMissingPart()
    {
        var ex = Assert.Throws<TrainerValidationException>(() => RewardModelTrainer.CreateBuilder().Build());
        Assert.Equal(["No model: call WithModel.", "No tokenizer: call WithTokenizer.", "No training data: call WithTrainingData with at least one pair."], ex.Errors);
        Assert.Contains("3 problems", ex.Message);
    }

    [Fact]
    public void Build_InvalidOptionsModelAndData_ReportsAllProblemsAtOnce()
    {
        var model = TinyModels.RewardModel(SyntheticPreferences.Tokenizer().VocabularySize, seed: 1, positions: 16);
        var ex = Assert.Throws<TrainerValidationException>(() => RewardModelTrainer.CreateBuilder()
            .WithModel(model)
            .WithTokenizer(SyntheticPreferences.Tokenizer())
            .WithTrainingData([new PreferencePair("p", "a", "b"), new PreferencePair("p", "", "b"), new PreferencePair("p", "a", "b", float.NaN)])
            .WithEvaluationData([new PreferencePair("p", "a", " ")])
            .Configure(o => o.Epochs = 0)
            .Configure(o => o.MaxLength = 64)
            .Build());
        Assert.Equal(
            [
                "Epochs must be at least 1, got 0.",
                "MaxLength (64) exceeds the model's 16 positions.",
                "The training pair at index 1 has an empty Chosen response.",
                "The training pair at index 2 has a Margin of NaN.",
                "The evaluation pair at index 0 has an empty Rejected response.",
            ],
            ex.Errors);
    }

    [Fact]
    public void Build_TokenizerLargerThanTheEmbedding_IsReported()
    {
        var model = TinyModels.RewardModel(vocabSize: 5, seed: 1);
        var ex = Assert.Throws<TrainerValidationException>(() => Valid(model).Configure(o => o.MaxLength = 16).Build());
        Assert.Contains(ex.Errors, e => e.Contains("the model's embedding only 5", StringComparison.Ordinal));
    }

    [Fact]
    public void Build_FrozenModel_IsReported()
    {
        var model = TinyModels.RewardModel(SyntheticPreferences.Tokenizer().VocabularySize, seed: 1);
        model.Freeze();
        var ex = Assert.Throws<TrainerValidationException>(() => Valid(model).Build());
        Assert.Contains("Every parameter of the model is frozen; nothing would be trained.", ex.Errors);
    }

    [Fact]
    public void Build_CustomLossWithCenteringCoefficient_IsReported()
    {
        var model = TinyModels.RewardModel(SyntheticPreferences.Tokenizer().VocabularySize, seed: 1);
        var ex = Assert.Throws<TrainerValidationException>(() => Valid(model).WithLoss(new LogExpLoss()).Configure(o => o.CenterRewardsCoefficient = 0.1f).Build());
        Assert.Contains(ex.Errors, e => e.Contains("custom loss", StringComparison.Ordinal));
    }

    [Fact]
    public void Build_Twice_Throws()
    {
        var model = TinyModels.RewardModel(SyntheticPreferences.Tokenizer().VocabularySize, seed: 1);
        var builder = Valid(model);
        var trainer = builder.Build();
        Assert.Equal(3, trainer.TotalSteps);
        Assert.Throws<InvalidOperationException>(builder.Build);
        Assert.Throws<InvalidOperationException>(() => builder.Configure(o => o.Epochs = 2));
        Assert.Throws<InvalidOperationException>(() => builder.WithModel(model));
    }

    [Fact]
    public void Build_OptionsChangedAfterBuild_DoNotReachTheTrainer()
    {
        var model = TinyModels.RewardModel(SyntheticPreferences.Tokenizer().VocabularySize, seed: 1);
        RewardModelTrainerOptions? captured = null;
        var trainer = Valid(model).Configure(o => captured = o).Build();
        captured!.BatchSize = 1;
        Assert.Equal(3, trainer.TotalSteps);
    }

    [Fact]
    public void With_NullArguments_Throw()
    {
        var builder = RewardModelTrainer.CreateBuilder();
        Assert.Throws<ArgumentNullException>(() => builder.WithModel(null!));
        Assert.Throws<ArgumentNullException>(() => builder.WithTrainingData(null!));
        Assert.Throws<ArgumentNullException>(() => builder.Configure(null!));
        Assert.Throws<ArgumentNullException>(() => builder.OnStepCompleted(null!));
    }

    /// <summary>A complete builder: 20 pairs in batches of 8 (3 steps), MaxLength 16.</summary>
    private static RewardModelTrainerBuilder Valid(Alignment.Models.Heads.RewardModel model) =>
        RewardModelTrainer.CreateBuilder()
            .WithModel(model)
            .WithTokenizer(SyntheticPreferences.Tokenizer())
            .WithTrainingData(SyntheticPreferences.Pairs(20, 1))
            .Configure(o => o.MaxLength = 16);
}
