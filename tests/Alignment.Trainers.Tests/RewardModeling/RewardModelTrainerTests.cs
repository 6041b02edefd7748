using Alignment.Models.Heads;
using Alignment.Trainers.Data;
using Alignment.Trainers.RewardModeling;
using Alignment.Trainers.Tests.Testing;
using Alignment.Trainers.Training;
using Microsoft.Extensions.Logging;

namespace Alignment.Trainers.Tests.RewardModeling;

public class RewardModelTrainerTests
{
    private static readonly int VocabularySize = SyntheticPreferences.Tokenizer().VocabularySize;

    [Fact]
    public void Train_LearnableSyntheticPreference_ReachesAtLeast95PercentHeldOutAccuracy()
    {
        var model = TinyModels.RewardModel(VocabularySize, seed: 3);
        var trainer = Builder(model, SyntheticPreferences.Pairs(192, seed: 10))
            .WithEvaluationData(SyntheticPreferences.Pairs(100, seed: 11))
            .Configure(o =>
            {
                o.Epochs = 3;
                o.LearningRate = 3e-3;
                o.WarmupSteps = 5;
            })
            .Build();
        var before = trainer.Evaluate();
        var result = trainer.Train();

        Assert.Equal(72, result.Steps);
        var evaluation = Assert.IsType<RewardModelEvaluation>(result.Evaluation);
        Assert.Equal(100, evaluation.PairCount);
        Assert.True(before.Accuracy < 0.8, $"an untrained model ranks at chance, got {before.Accuracy:P1}");
        Assert.True(evaluation.Accuracy >= 0.95, $"held-out accuracy {evaluation.Accuracy:P1} (before training {before.Accuracy:P1})");
        Assert.True(evaluation.Loss < before.Loss, $"loss {before.Loss} -> {evaluation.Loss}");
        Assert.True(evaluation.MeanMargin > 0);
        Assert.True(evaluation.MeanChosenReward > evaluation.MeanRejectedReward);
    }

    [Fact]
    public void Train_OneStep_ChangesEveryTrainableParameterAndNoFrozenOne()
    {
        var model = TinyModels.RewardModel(VocabularySize, seed: 4);
        model.Backbone.PositionEmbedding.Freeze();
        model.Backbone.Blocks[0].Freeze();
        var frozen = model.NamedParameters().Where(p => !p.Parameter.RequiresGrad).Select(p => p.Name).ToHashSet();
        var before = TinyModels.Snapshot(model);
        var trainer = Builder(model, SyntheticPreferences.Pairs(8, seed: 1)).Configure(o => o.LearningRate = 1e-3).Build();

        Assert.Equal(1, trainer.Train().Steps);

        Assert.Contains("transformer.wpe.weight", frozen);
        Assert.Contains("transformer.h.0.attn.c_attn.weight", frozen);
        foreach (var (name, tensor) in model.StateDict())
        {
            var changed = !before[name].AsSpan().SequenceEqual(tensor.ToArray());
            Assert.True(changed != frozen.Contains(name), $"{name}: changed = {changed}, frozen = {frozen.Contains(name)}");
        }
    }

    [Fact]
    public void Train_NaNInjectedIntoTheModelAfterStepTwo_StopsAtStepThreeNamingIt()
    {
        var model = TinyModels.RewardModel(VocabularySize, seed: 5);
        var logger = new ListLogger();
        float[]? afterStepTwo = null;
        var trainer = Builder(model, SyntheticPreferences.Pairs(40, seed: 1))
            .WithLogger(logger)
            .OnStepCompleted(m =>
            {
                if (m.Step == 2)
                {
                    model.Head.Summary.Bias!.CopyFrom([float.NaN]);
                    afterStepTwo = model.Head.Summary.Weight.ToArray();
                }
            })
            .Build();

        var ex = Assert.Throws<TrainingDivergedException>(() => trainer.Train());

        Assert.Equal(3, ex.Step);
        Assert.Equal("loss", ex.Quantity);
        Assert.StartsWith("Training stopped at step 3: the loss is NaN.", ex.Message);
        Assert.Equal(2, trainer.CompletedSteps);
        Assert.Equal(afterStepTwo, model.Head.Summary.Weight.ToArray());
        Assert.Contains(logger.Entries, e => e.Level == LogLevel.Error && e.Message.Contains("step 3", StringComparison.Ordinal));
    }

    [Fact]
    public void Train_NaNGradient_StopsOnTheGradientNorm()
    {
        var model = TinyModels.RewardModel(VocabularySize, seed: 5);
        var trainer = Builder(model, SyntheticPreferences.Pairs(8, seed: 1))
            .WithLoss(new InfiniteGradientLoss())
            .Build();
        var ex = Assert.Throws<TrainingDivergedException>(() => trainer.Train());
        Assert.Equal(1, ex.Step);
        Assert.Equal("gradient norm", ex.Quantity);
    }

    [Fact]
    public void Train_EvaluationStepsLoggingProgressAndCallbacks_FireOnSchedule()
    {
        var model = TinyModels.RewardModel(VocabularySize, seed: 6);
        var logger = new ListLogger();
        var steps = new List<RewardModelMetrics>();
        var evaluations = new List<RewardModelEvaluation>();
        var progress = new ListProgress();
        var trainer = Builder(model, SyntheticPreferences.Pairs(36, seed: 1))
            .WithEvaluationData(SyntheticPreferences.Pairs(10, seed: 2))
            .WithLogger(logger)
            .WithProgress(progress)
            .OnStepCompleted(steps.Add)
            .OnEvaluated(evaluations.Add)
            .Configure(o =>
            {
                o.BatchSize = 4;
                o.GradientAccumulationSteps = 2;
                o.Epochs = 2;
                o.EvaluationSteps = 2;
                o.LoggingSteps = 3;
            })
            .Build();

        // 36 pairs / 4 = 9 micro-batches per epoch, 5 steps per epoch (the last one has a single micro-batch).
        Assert.Equal(5, trainer.StepsPerEpoch);
        var result = trainer.Train();

        Assert.Equal(Enumerable.Range(1, 10), steps.Select(s => s.Step));
        Assert.Equal([0.222222, 0.444444, 0.666667, 0.888889, 1.0, 1.222222, 1.444444, 1.666667, 1.888889, 2.0], steps.Select(s => Math.Round(s.Epoch, 6)));
        Assert.Equal([2, 4, 6, 8, 10], evaluations.Select(e => e.Step));
        Assert.Same(evaluations[^1], result.Evaluation);
        Assert.Equal(Enumerable.Range(1, 10), progress.Values.Select(p => p.Step));
        Assert.All(progress.Values, p => Assert.Equal(10, p.TotalSteps));
        Assert.Equal(1.0, progress.Values[^1].Fraction);
        var stepLogs = logger.Entries.Where(e => e.Id.Id == 2).Select(e => e.Message).ToList();
        Assert.Equal(4, stepLogs.Count); // steps 3, 6, 9 and the last one
        Assert.StartsWith("Step 3/10 (epoch 0.67): loss ", stepLogs[0]);
        Assert.Equal(5, logger.Entries.Count(e => e.Id.Id == 3));
        Assert.All(steps, s => Assert.InRange(s.Accuracy, 0, 1));
        Assert.True(steps[0].LearningRate > steps[^1].LearningRate, "the linear schedule decays");
    }

    [Fact]
    public void Train_GradientAccumulationOverUnevenMicroBatches_GivesTheGradientOfOneLargeBatch()
    {
        // One step each: 24 pairs at once, or micro-batches of 5, 5, 5, 5 and 4 pairs accumulated. The gradients a step
        // leaves behind (clipped alike) must agree; comparing weights would amplify rounding through Adam's g / √v.
        var pairs = SyntheticPreferences.Pairs(24, seed: 9);
        var big = TinyModels.RewardModel(VocabularySize, seed: 8);
        var small = TinyModels.RewardModel(VocabularySize, seed: 8);
        var bigResult = Builder(big, pairs).Configure(o => o.BatchSize = 24).Build().Train();
        var smallResult = Builder(small, pairs).Configure(o => { o.BatchSize = 5; o.GradientAccumulationSteps = 5; }).Build().Train();

        Assert.Equal(1, bigResult.Steps);
        Assert.Equal(1, smallResult.Steps);
        Assert.Equal(bigResult.LastMetrics!.Loss, smallResult.LastMetrics!.Loss, 6);
        Assert.Equal(bigResult.LastMetrics.GradNorm, smallResult.LastMetrics.GradNorm, 6);
        var smallParameters = small.NamedParameters().ToDictionary(p => p.Name, p => p.Parameter);
        foreach (var (name, parameter) in big.NamedParameters())
        {
            var expected = parameter.Grad!.ToArray();
            var actual = smallParameters[name].Grad!.ToArray();
            for (var i = 0; i < expected.Length; i++)
            {
                Assert.True(Math.Abs(expected[i] - actual[i]) <= 1e-6 + (1e-4 * Math.Abs(expected[i])), $"{name}[{i}]: {expected[i]} vs {actual[i]}");
            }
        }
    }

    [Fact]
    public void Train_Twice_Throws()
    {
        var trainer = Builder(TinyModels.RewardModel(VocabularySize, seed: 1), SyntheticPreferences.Pairs(4, 1)).Build();
        trainer.Train();
        Assert.Throws<InvalidOperationException>(() => trainer.Train());
    }

    [Fact]
    public async Task TrainAsync_CancelledToken_ThrowsOperationCanceled()
    {
        var trainer = Builder(TinyModels.RewardModel(VocabularySize, seed: 1), SyntheticPreferences.Pairs(4, 1)).Build();
        using var cancellation = new CancellationTokenSource();
        await cancellation.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => trainer.TrainAsync(cancellation.Token));
        Assert.Equal(0, trainer.CompletedSteps);
    }

    [Fact]
    public void Score_EqualsTheModelsRewardOfPromptPlusResponse()
    {
        var model = TinyModels.RewardModel(VocabularySize, seed: 2);
        var trainer = Builder(model, SyntheticPreferences.Pairs(4, 1)).Configure(o => o.BatchSize = 2).Build();
        var tokenizer = SyntheticPreferences.Tokenizer();
        (string, string)[] samples = [("the cat", "sat good"), ("a", "dog ran on the mat"), ("the", "bad")];
        var scores = trainer.Score(samples);
        for (var i = 0; i < samples.Length; i++)
        {
            using var scope = TensorScope.Begin();
            using var noGrad = Tensor.NoGrad();
            var ids = tokenizer.EncodeToIds(samples[i].Item1 + " " + samples[i].Item2);
            var expected = model.Forward(new IntTensor(ids, 1, ids.Length)).Item();
            Assert.Equal(expected, scores[i], 5);
        }
    }

    [Fact]
    public void Evaluate_WithoutEvaluationData_Throws()
    {
        var trainer = Builder(TinyModels.RewardModel(VocabularySize, seed: 1), SyntheticPreferences.Pairs(4, 1)).Build();
        Assert.Throws<InvalidOperationException>(() => trainer.Evaluate());
        Assert.Equal(4, trainer.Evaluate(SyntheticPreferences.Pairs(4, 2)).PairCount);
    }

    [Fact]
    public void Train_IdenticalPairsAfterTruncation_LogsAWarning()
    {
        var logger = new ListLogger();
        var pairs = new[] { new PreferencePair("the cat", "good on the mat", "bad on the mat"), new PreferencePair("a", "good dog", "bad dog") };
        Builder(TinyModels.RewardModel(VocabularySize, seed: 1), pairs).WithLogger(logger).Configure(o => o.MaxLength = 3).Build().Train();
        Assert.Contains(logger.Entries, e => e.Level == LogLevel.Warning && e.Message.StartsWith("1 of 2 training pairs have the same tokens", StringComparison.Ordinal));
        Assert.Contains(logger.Entries, e => e.Message.StartsWith("1 of 2 training pairs were truncated to 3 tokens", StringComparison.Ordinal));
    }

    internal static RewardModelTrainerBuilder Builder(RewardModel model, IEnumerable<PreferencePair> pairs) =>
        RewardModelTrainer.CreateBuilder()
            .WithModel(model)
            .WithTokenizer(SyntheticPreferences.Tokenizer())
            .WithTrainingData(pairs)
            .Configure(o => o.MaxLength = 16);

    private sealed class ListProgress : IProgress<RewardModelProgress>
    {
        public List<RewardModelProgress> Values { get; } = [];

        public void Report(RewardModelProgress value) => Values.Add(value);
    }

    /// <summary>A loss of value 0 whose gradient is NaN: the derivative of √u at u = 0 is infinite, times 0.</summary>
    private sealed class InfiniteGradientLoss : Alignment.Trainers.Losses.IRewardLoss
    {
        public Tensor Compute(Tensor chosenRewards, Tensor rejectedRewards, Tensor? margins = null) =>
            Tensor.Sqrt(Tensor.Square(chosenRewards - chosenRewards.Detach())).Mean();
    }
}
