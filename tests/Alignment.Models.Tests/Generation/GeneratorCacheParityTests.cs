using Alignment.Models.Generation;
using Alignment.Models.Gpt2;
using static Alignment.Models.Tests.Generation.GenerationTestModels;

namespace Alignment.Models.Tests.Generation;

/// <summary>
/// Cached decoding (prefill, then one token per step) equals recomputing the whole sequence every step, with the
/// transposed decode weights (the default) and without.
/// </summary>
public class GeneratorCacheParityTests
{
    public static TheoryData<string, bool> Models => new() { { "fixture", true }, { "fixture", false }, { "random", true }, { "random", false } };

    [Theory]
    [MemberData(nameof(Models))]
    public void Greedy_EqualsNaiveFullRecomputation(string which, bool transposeWeights)
    {
        var model = Load(which);
        var prompt = Prompts(model.Config.VocabSize, 11, 6)[0];
        const int steps = 20;
        var options = new GenerationOptions { MaxNewTokens = steps, DoSample = false, Temperature = 0.7f, TransposeWeights = transposeWeights };
        var result = Generator.Generate(model, [prompt], options);
        var (tokens, logProbabilities) = NaiveGreedy(model, prompt, steps, temperature: 0.7f);

        Assert.Equal(tokens, result.GetResponseIds(0));
        var actual = result.LogProbabilities.ToArray();
        for (var t = 0; t < steps; t++)
        {
            AssertClose(logProbabilities[t], actual[t], 1e-4, $"{which} log-probability {t}");
        }
    }

    [Theory]
    [MemberData(nameof(Models))]
    public void Sampling_LogProbabilitiesEqualFullForwardPass(string which, bool transposeWeights)
    {
        var model = Load(which);
        var prompts = Prompts(model.Config.VocabSize, 5, 3, 7, 1);
        var options = new GenerationOptions { MaxNewTokens = 16, Temperature = 1.3f, TopK = 40, TopP = 0.9f, Seed = 3, TransposeWeights = transposeWeights };
        var result = Generator.Generate(model, prompts, options);

        var expected = FullForwardLogProbabilities(model, result, options.Temperature);
        var actual = result.LogProbabilities.ToArray();
        Assert.Equal(expected.Length, actual.Length);
        for (var i = 0; i < actual.Length; i++)
        {
            AssertClose(expected[i], actual[i], 1e-4, $"{which} log-probability {i}");
        }

        Assert.All(result.ResponseLengths, n => Assert.Equal(16, n));
    }

    private static Gpt2LanguageModel Load(string which) => which == "fixture" ? Fixture() : GenerationTestModels.Random();
}
