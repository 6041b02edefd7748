using Alignment.Models.Generation;
using static Alignment.Models.Tests.Generation.GenerationTestModels;

namespace Alignment.Models.Tests.Generation;

/// <summary>Sampling is reproducible from the seed.</summary>
public class GeneratorSeedTests
{
    [Fact]
    public void SameSeed_SameSamples_DifferentSeed_DifferentSamples()
    {
        var model = Fixture();
        var prompts = Prompts(model.Config.VocabSize, 1, 4, 6);
        GenerationResult Run(ulong seed) => Generator.Generate(model, prompts, new GenerationOptions { MaxNewTokens = 12, Seed = seed, TopP = 0.95f });

        var first = Run(17);
        var again = Run(17);
        var other = Run(18);

        Assert.Equal(first.Sequences.Data, again.Sequences.Data);
        Assert.Equal(first.LogProbabilities.ToArray(), again.LogProbabilities.ToArray());
        Assert.NotEqual(first.Sequences.Data, other.Sequences.Data);
    }

    [Fact]
    public void Sampling_HighEntropyModel_RowsWithSamePromptDiffer()
    {
        var model = Fixture();
        var prompt = Prompts(model.Config.VocabSize, 1, 4)[0];
        var result = Generator.Generate(model, [prompt, prompt], new GenerationOptions { MaxNewTokens = 8, Seed = 5 });

        Assert.NotEqual(result.GetResponseIds(0), result.GetResponseIds(1));
    }
}
