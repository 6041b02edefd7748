using Alignment.Models.Generation;
using static Alignment.Models.Tests.Generation.GenerationTestModels;

namespace Alignment.Models.Tests.Generation;

/// <summary>Left-padded batches give each row what it would get alone.</summary>
public class GeneratorBatchTests
{
    public static TheoryData<string> Models => ["fixture", "random"];

    [Theory]
    [MemberData(nameof(Models))]
    public void LeftPaddedBatch_EqualsEachPromptAlone(string which)
    {
        var model = which == "fixture" ? Fixture() : GenerationTestModels.Random();
        var prompts = Prompts(model.Config.VocabSize, 21, 2, 9, 5, 1);
        var options = new GenerationOptions { MaxNewTokens = 12, DoSample = false, PadTokenId = 3 };

        var batch = Generator.Generate(model, prompts, options);

        Assert.Equal(9, batch.PromptLength);
        Assert.Equal([4, 21], batch.Sequences.Shape.ToArray());
        var batchLogProbabilities = batch.LogProbabilities.ToArray();
        for (var r = 0; r < prompts.Length; r++)
        {
            var alone = Generator.Generate(model, [prompts[r]], options);
            Assert.Equal(prompts[r], batch.GetPromptIds(r));
            Assert.Equal(alone.GetResponseIds(0), batch.GetResponseIds(r));
            var aloneLogProbabilities = alone.LogProbabilities.ToArray();
            for (var t = 0; t < 12; t++)
            {
                AssertClose(aloneLogProbabilities[t], batchLogProbabilities[(r * 12) + t], 1e-4, $"row {r} step {t}");
            }

            var padding = 9 - prompts[r].Length;
            for (var j = 0; j < 21; j++)
            {
                Assert.Equal(j < padding ? 0 : 1, batch.AttentionMask[r, j]);
                if (j < padding)
                {
                    Assert.Equal(3, batch.Sequences[r, j]);
                }
            }
        }
    }

    [Fact]
    public void LeftPaddedBatch_SamplingLogProbabilitiesMatchFullForward()
    {
        var model = GenerationTestModels.Random(seed: 9);
        var prompts = Prompts(model.Config.VocabSize, 2, 8, 1, 4);
        var options = new GenerationOptions { MaxNewTokens = 10, Seed = 12, StopTokenIds = [5, 6, 7] };
        var result = Generator.Generate(model, prompts, options);

        var expected = FullForwardLogProbabilities(model, result, 1f);
        var actual = result.LogProbabilities.ToArray();
        for (var i = 0; i < actual.Length; i++)
        {
            AssertClose(expected[i], actual[i], 1e-4, $"log-probability {i}");
        }
    }

    [Fact]
    public void Generate_RestoresTrainingModeAndIgnoresDropout()
    {
        var model = GenerationTestModels.Random();
        Assert.True(model.IsTraining);
        model.Transformer.FinalNorm.Eval();
        var prompts = Prompts(model.Config.VocabSize, 4, 3, 6);
        var options = new GenerationOptions { MaxNewTokens = 8, Seed = 1 };

        var first = Generator.Generate(model, prompts, options);
        Assert.True(model.IsTraining);
        Assert.True(model.Transformer.Blocks[0].IsTraining);
        Assert.False(model.Transformer.FinalNorm.IsTraining);

        model.Eval();
        var second = Generator.Generate(model, prompts, options);
        Assert.False(model.IsTraining);
        Assert.Equal(first.Sequences.Data, second.Sequences.Data);
        Assert.Equal(first.LogProbabilities.ToArray(), second.LogProbabilities.ToArray());
    }

    [Fact]
    public void Generate_CancelledToken_Throws()
    {
        var model = GenerationTestModels.Random();
        using var source = new CancellationTokenSource();
        source.Cancel();
        Assert.Throws<OperationCanceledException>(() =>
            Generator.Generate(model, [new[] { 1, 2 }], new GenerationOptions(), source.Token));
        Assert.True(model.IsTraining);
    }

    [Fact]
    public void Generate_InvalidInputs_ReportsEveryProblem()
    {
        var model = GenerationTestModels.Random();
        var options = new GenerationOptions { MaxNewTokens = 45, StopTokenIds = [101] };
        var error = Assert.Throws<ArgumentException>(() => Generator.Generate(model, [new[] { 1, 2, 3, 4 }, [], new[] { 200 }], options));
        Assert.Contains("Prompt 1 is empty", error.Message);
        Assert.Contains("Prompt 2 has ids outside the vocabulary [0, 101)", error.Message);
        Assert.Contains("StopTokenIds must lie in the vocabulary", error.Message);
        Assert.Contains("pad id 101", error.Message);
        Assert.Contains("exceeds the model's 48 positions", error.Message);
    }
}
