using Alignment.Trainers.Losses;
using Alignment.Trainers.RewardModeling;
using Alignment.Trainers.Tests.Testing;

namespace Alignment.Trainers.Tests.RewardModeling;

public class RewardModelTrainerCheckpointTests
{
    private static readonly int VocabularySize = SyntheticPreferences.Tokenizer().VocabularySize;

    // 30 pairs in micro-batches of 4 → 8 per epoch; 2 accumulated per step → 4 steps per epoch, 8 in all.
    [Theory]
    [InlineData(3)] // mid-epoch
    [InlineData(4)] // at the end of the first epoch
    [InlineData(5)] // first step of the second epoch
    public void Resume_AfterCancellingAtStep_GivesTheSameWeightsAsRunningStraightThrough(int stopAfter) =>
        AssertResumeEqualsStraightRun(stopAfter, dropout: 0f);

    // Embedding, residual and head dropout 0.1: the checkpoint must carry the dropout generators' states.
    [Theory]
    [InlineData(3)]
    [InlineData(4)]
    [InlineData(5)]
    public void Resume_WithDropout_GivesTheSameWeightsAsRunningStraightThrough(int stopAfter) =>
        AssertResumeEqualsStraightRun(stopAfter, dropout: 0.1f);

    [Fact]
    public void Resume_AfterCancellingMidStep_WithDropout_GivesTheSameWeightsAsRunningStraightThrough()
    {
        // Cancelled after the first of step 4's two micro-batches: that micro-batch drew dropout masks, but the
        // checkpoint of step 3 must hold the generators as they stood after step 3.
        var pairs = SyntheticPreferences.Pairs(30, seed: 21);
        var straight = TinyModels.RewardModel(VocabularySize, seed: 7, dropout: 0.1f);
        var straightResult = Configured(RewardModelTrainerTests.Builder(straight, pairs)).Build().Train();

        using var dir = new TempDirectory();
        using var cancellation = new CancellationTokenSource();
        var interrupted = Configured(RewardModelTrainerTests.Builder(TinyModels.RewardModel(VocabularySize, seed: 7, dropout: 0.1f), pairs))
            .Configure(o => o.CheckpointDirectory = dir.Path)
            .WithLoss(new CancellingLoss(cancellation, cancelOnCall: 7))
            .Build();
        Assert.ThrowsAny<OperationCanceledException>(() => interrupted.Train(cancellation.Token));
        Assert.Equal(3, interrupted.CompletedSteps);

        var resumed = TinyModels.RewardModel(VocabularySize, seed: 99, dropout: 0.1f);
        var resumedResult = Configured(RewardModelTrainerTests.Builder(resumed, pairs)).Configure(o => o.ResumeFromCheckpoint = dir.Path).Build().Train();

        Assert.Equal(3, resumedResult.ResumedFromStep);
        Assert.Equal(straightResult.LastMetrics, resumedResult.LastMetrics);
        AssertSameWeights(straight, resumed);
    }

    [Fact]
    public void Resume_WithDropout_RestoresTheModelsRandomStates()
    {
        using var dir = new TempDirectory();
        var pairs = SyntheticPreferences.Pairs(30, 21);
        var model = TinyModels.RewardModel(VocabularySize, seed: 7, dropout: 0.1f);
        Configured(RewardModelTrainerTests.Builder(model, pairs)).Configure(o => o.CheckpointDirectory = dir.Path).Build().Train();
        var resumed = TinyModels.RewardModel(VocabularySize, seed: 1, dropout: 0.1f);
        Assert.NotEqual(model.GetRandomStates()["transformer.random"], resumed.GetRandomStates()["transformer.random"]);

        Configured(RewardModelTrainerTests.Builder(resumed, pairs)).Configure(o => o.ResumeFromCheckpoint = dir.Path).Build().Train();

        Assert.Equal(["transformer.random", "v_head.random"], resumed.GetRandomStates().Keys);
        Assert.Equal(model.GetRandomStates(), resumed.GetRandomStates());
    }

    [Fact]
    public void Resume_FromACheckpointWithoutRandomStates_WarnsAndTrains()
    {
        using var dir = new TempDirectory();
        var pairs = SyntheticPreferences.Pairs(30, 21);
        Configured(RewardModelTrainerTests.Builder(TinyModels.RewardModel(VocabularySize, seed: 7), pairs))
            .Configure(o =>
            {
                o.CheckpointDirectory = dir.Path;
                o.CheckpointSteps = 4;
            })
            .Build()
            .Train();
        var checkpoint = Path.Combine(dir.Path, "checkpoint-4");
        var state = System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(Path.Combine(checkpoint, "trainer_state.json")))!.AsObject();
        Assert.True(state.Remove("model_random_states"));
        File.WriteAllText(Path.Combine(checkpoint, "trainer_state.json"), state.ToJsonString());
        var logger = new ListLogger();

        var result = Configured(RewardModelTrainerTests.Builder(TinyModels.RewardModel(VocabularySize, seed: 7), pairs))
            .Configure(o => o.ResumeFromCheckpoint = checkpoint)
            .WithLogger(logger)
            .Build()
            .Train();

        Assert.Equal(4, result.ResumedFromStep);
        Assert.Contains(logger.Entries, e => e.Level == Microsoft.Extensions.Logging.LogLevel.Warning && e.Message.Contains("holds no random states", StringComparison.Ordinal));
    }

    private static void AssertResumeEqualsStraightRun(int stopAfter, float dropout)
    {
        var pairs = SyntheticPreferences.Pairs(30, seed: 21);
        var straight = TinyModels.RewardModel(VocabularySize, seed: 7, dropout: dropout);
        var straightResult = Configured(RewardModelTrainerTests.Builder(straight, pairs)).Build().Train();
        Assert.Equal(8, straightResult.Steps);

        using var dir = new TempDirectory();
        var first = TinyModels.RewardModel(VocabularySize, seed: 7, dropout: dropout);
        using var cancellation = new CancellationTokenSource();
        var saved = new List<string>();
        var interrupted = Configured(RewardModelTrainerTests.Builder(first, pairs))
            .Configure(o => o.CheckpointDirectory = dir.Path)
            .OnCheckpointSaved(saved.Add)
            .OnStepCompleted(m =>
            {
                if (m.Step == stopAfter)
                {
                    cancellation.Cancel();
                }
            })
            .Build();
        Assert.ThrowsAny<OperationCanceledException>(() => interrupted.Train(cancellation.Token));
        Assert.Equal(stopAfter, interrupted.CompletedSteps);
        Assert.Equal([Path.Combine(dir.Path, $"checkpoint-{stopAfter}")], saved);

        // A model with other initial weights: everything must come from the checkpoint.
        var resumed = TinyModels.RewardModel(VocabularySize, seed: 99, dropout: dropout);
        var resumedResult = Configured(RewardModelTrainerTests.Builder(resumed, pairs))
            .Configure(o => o.ResumeFromCheckpoint = dir.Path)
            .Build()
            .Train();

        Assert.Equal(stopAfter, resumedResult.ResumedFromStep);
        Assert.Equal(8, resumedResult.Steps);
        Assert.Equal(straightResult.LastMetrics, resumedResult.LastMetrics);
        AssertSameWeights(straight, resumed);
    }

    [Fact]
    public void Checkpoints_EveryNSteps_AreWrittenAndTheLatestIsFound()
    {
        using var dir = new TempDirectory();
        var saved = new List<string>();
        Configured(RewardModelTrainerTests.Builder(TinyModels.RewardModel(VocabularySize, seed: 7), SyntheticPreferences.Pairs(30, 21)))
            .Configure(o =>
            {
                o.CheckpointDirectory = dir.Path;
                o.CheckpointSteps = 3;
            })
            .OnCheckpointSaved(saved.Add)
            .Build()
            .Train();

        Assert.Equal(new[] { 3, 6, 8 }.Select(s => Path.Combine(dir.Path, $"checkpoint-{s}")), saved);
        Assert.All(saved, path => Assert.Equal(
            ["model.safetensors", "optimizer.safetensors", "trainer_state.json"],
            Directory.GetFiles(path).Select(Path.GetFileName).Order(StringComparer.Ordinal)));
        Assert.Equal(saved[^1], RewardModelTrainer.FindLatestCheckpoint(dir.Path));
        Assert.Empty(Directory.GetDirectories(dir.Path, ".*"));
    }

    [Fact]
    public void Resume_FromAFinishedRun_TrainsNoFurtherSteps()
    {
        using var dir = new TempDirectory();
        var pairs = SyntheticPreferences.Pairs(30, 21);
        var model = TinyModels.RewardModel(VocabularySize, seed: 7);
        Configured(RewardModelTrainerTests.Builder(model, pairs)).Configure(o => o.CheckpointDirectory = dir.Path).Build().Train();
        var resumed = TinyModels.RewardModel(VocabularySize, seed: 1);
        var result = Configured(RewardModelTrainerTests.Builder(resumed, pairs)).Configure(o => o.ResumeFromCheckpoint = dir.Path).Build().Train();
        Assert.Equal(8, result.Steps);
        Assert.Null(result.LastMetrics);
        AssertSameWeights(model, resumed);
    }

    [Fact]
    public void Resume_WithAnotherBatchSize_ThrowsNamingTheMismatch()
    {
        using var dir = new TempDirectory();
        var pairs = SyntheticPreferences.Pairs(30, 21);
        Configured(RewardModelTrainerTests.Builder(TinyModels.RewardModel(VocabularySize, seed: 7), pairs)).Configure(o => o.CheckpointDirectory = dir.Path).Build().Train();
        var trainer = Configured(RewardModelTrainerTests.Builder(TinyModels.RewardModel(VocabularySize, seed: 7), pairs))
            .Configure(o =>
            {
                o.ResumeFromCheckpoint = dir.Path;
                o.BatchSize = 5;
            })
            .Build();
        var ex = Assert.Throws<InvalidDataException>(() => trainer.Train());
        Assert.Contains("BatchSize was 4, now 5", ex.Message);
    }

    [Fact]
    public void Resume_FromADirectoryWithoutCheckpoints_Throws()
    {
        using var dir = new TempDirectory();
        var trainer = Configured(RewardModelTrainerTests.Builder(TinyModels.RewardModel(VocabularySize, seed: 7), SyntheticPreferences.Pairs(30, 21)))
            .Configure(o => o.ResumeFromCheckpoint = dir.Path)
            .Build();
        Assert.Contains("holds no checkpoint", Assert.Throws<InvalidDataException>(() => trainer.Train()).Message);
    }

    /// <summary>The default pairwise loss, cancelling a token on its <c>cancelOnCall</c>-th call (one call per micro-batch).</summary>
    private sealed class CancellingLoss(CancellationTokenSource cancellation, int cancelOnCall) : IRewardLoss
    {
        private readonly PairwiseLoss _loss = new();
        private int _calls;

        public Tensor Compute(Tensor chosenRewards, Tensor rejectedRewards, Tensor? margins = null)
        {
            if (++_calls == cancelOnCall)
            {
                cancellation.Cancel();
            }

            return _loss.Compute(chosenRewards, rejectedRewards, margins);
        }
    }

    private static RewardModelTrainerBuilder Configured(RewardModelTrainerBuilder builder) =>
        builder.Configure(o =>
        {
            o.Epochs = 2;
            o.BatchSize = 4;
            o.GradientAccumulationSteps = 2;
            o.LearningRate = 2e-3;
            o.WarmupSteps = 2;
            o.Schedule = Alignment.Trainers.Training.LearningRateScheduleKind.Cosine;
        });

    private static void AssertSameWeights(Alignment.Models.Heads.RewardModel expected, Alignment.Models.Heads.RewardModel actual)
    {
        var want = TinyModels.Snapshot(expected);
        foreach (var (name, values) in TinyModels.Snapshot(actual))
        {
            for (var i = 0; i < values.Length; i++)
            {
                Assert.True(Math.Abs(want[name][i] - values[i]) <= 1e-6, $"{name}[{i}]: {want[name][i]} vs {values[i]}");
            }
        }
    }
}
