using Alignment.Models.Generation;
using static Alignment.Models.Tests.Generation.GenerationTestModels;

namespace Alignment.Models.Tests.Generation;

/// <summary>Stop tokens end rows, MinNewTokens holds them back, and the loop ends once every row has stopped.</summary>
public class GeneratorStopTests
{
    private const int MaxNewTokens = 12;
    private const int Pad = 0;

    [Fact]
    public void StopToken_FinishesRowMasksTheRestAndEndsEarly()
    {
        var model = Fixture();
        var prompt = Prompts(model.Config.VocabSize, 2, 5)[0];
        var (free, _) = NaiveGreedy(model, prompt, MaxNewTokens);
        var (stopAt, stop) = FirstNewTokenFrom(free, 3);

        var result = Generator.Generate(model, [prompt], Greedy(stop));

        // The single row stopped, so the loop ran stopAt + 1 steps instead of MaxNewTokens.
        Assert.Equal(stopAt + 1, result.GeneratedLength);
        Assert.Equal([1, 5 + stopAt + 1], result.Sequences.Shape.ToArray());
        Assert.Equal(free[..(stopAt + 1)], result.GetResponseIds(0));
        Assert.Equal(stopAt + 1, result.ResponseLengths[0]);
        Assert.True(result.IsStopped(0));
        Assert.All(result.ResponseMask.Data, m => Assert.Equal(1, m));
    }

    [Fact]
    public void StopToken_InBatch_PadsFinishedRowUntilOthersStop()
    {
        var model = Fixture();
        var prompts = Prompts(model.Config.VocabSize, 2, 5, 3);
        var (free0, _) = NaiveGreedy(model, prompts[0], MaxNewTokens);
        var (free1, _) = NaiveGreedy(model, prompts[1], MaxNewTokens);
        var (stopAt, stop) = FirstNewTokenFrom(free0, 3);
        var stop1 = Array.IndexOf(free1, stop);

        var result = Generator.Generate(model, prompts, Greedy(stop));

        var expectedLength = stop1 < 0 ? MaxNewTokens : Math.Max(stopAt, stop1) + 1;
        Assert.Equal(expectedLength, result.GeneratedLength);
        Assert.Equal(stopAt + 1, result.ResponseLengths[0]);
        for (var t = 0; t < result.GeneratedLength; t++)
        {
            var live = t <= stopAt;
            Assert.Equal(live ? 1 : 0, result.ResponseMask[0, t]);
            Assert.Equal(live ? 1 : 0, result.AttentionMask[0, 5 + t]);
            Assert.Equal(live ? free0[t] : Pad, result.Sequences[0, 5 + t]);
            if (!live)
            {
                Assert.Equal(0f, result.LogProbabilities[0, t]);
            }
        }

        // The other row is unaffected by the first one's padding.
        var length1 = stop1 < 0 ? MaxNewTokens : stop1 + 1;
        Assert.Equal(free1[..length1], result.GetResponseIds(1));
        Assert.Equal(stop1 >= 0, result.IsStopped(1));
    }

    [Fact]
    public void MinNewTokens_PreventsAnEarlyStop()
    {
        var model = Fixture();
        var prompt = Prompts(model.Config.VocabSize, 2, 5)[0];
        var (free, _) = NaiveGreedy(model, prompt, MaxNewTokens);
        var (stopAt, stop) = FirstNewTokenFrom(free, 3);
        var minimum = stopAt + 2;

        var result = Generator.Generate(model, [prompt], new GenerationOptions
        {
            MaxNewTokens = MaxNewTokens,
            MinNewTokens = minimum,
            DoSample = false,
            StopTokenIds = [stop],
            PadTokenId = Pad,
        });

        Assert.True(result.ResponseLengths[0] >= minimum);
        var response = result.GetResponseIds(0);
        Assert.DoesNotContain(stop, response[..minimum]);
        Assert.Equal(free[..stopAt], response[..stopAt]);
        Assert.NotEqual(stop, response[stopAt]);
    }

    [Fact]
    public void Sampling_StopsAtFirstStopToken()
    {
        var model = GenerationTestModels.Random(seed: 3, vocabulary: 20);
        var prompts = Prompts(20, 8, 4, 2, 6, 3, 5, 1);
        var result = Generator.Generate(model, prompts, new GenerationOptions { MaxNewTokens = 40, StopTokenIds = [0, 1], PadTokenId = 2, Seed = 4 });

        for (var r = 0; r < prompts.Length; r++)
        {
            var response = result.GetResponseIds(r);
            var firstStop = Array.FindIndex(response, id => id is 0 or 1);
            Assert.Equal(result.IsStopped(r) ? response.Length - 1 : -1, firstStop);
            for (var t = response.Length; t < result.GeneratedLength; t++)
            {
                Assert.Equal(2, result.Sequences[r, result.PromptLength + t]);
                Assert.Equal(0, result.ResponseMask[r, t]);
            }
        }

        Assert.Contains(true, Enumerable.Range(0, prompts.Length).Select(result.IsStopped));
    }

    private static GenerationOptions Greedy(int stop) =>
        new() { MaxNewTokens = MaxNewTokens, DoSample = false, StopTokenIds = [stop], PadTokenId = Pad };

    // The first step at or after `from` whose token did not appear before it.
    private static (int Step, int Token) FirstNewTokenFrom(int[] tokens, int from)
    {
        for (var s = from; s < tokens.Length; s++)
        {
            if (Array.IndexOf(tokens, tokens[s], 0, s) < 0)
            {
                return (s, tokens[s]);
            }
        }

        throw new InvalidOperationException("Greedy decoding repeated itself; pick another prompt.");
    }
}
