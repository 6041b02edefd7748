using Alignment.IO;
using Alignment.Models.Generation;
using static Alignment.Models.Tests.Generation.GenerationTestModels;

namespace Alignment.Models.Tests.Generation;

/// <summary>Greedy decoding reproduces the Hugging Face reference continuation of the tiny fixture.</summary>
public class GeneratorFixtureTests
{
    [Fact]
    public void Greedy_MatchesHuggingFaceReference()
    {
        var model = Fixture();
        using var reference = SafetensorsFile.Open(Path.Combine(FixtureDirectory, "reference.safetensors"));
        var prompt = reference.ReadInt32("greedy.prompt");
        var expected = reference.ReadInt32("greedy.output");
        Assert.Equal(5, prompt.Length);
        Assert.Equal(15, expected.Length);

        var result = Generator.Generate(model, [prompt], new GenerationOptions { MaxNewTokens = expected.Length - prompt.Length, DoSample = false });

        Assert.Equal(expected, result.Sequences.Data);
        Assert.Equal([1, 15], result.Sequences.Shape.ToArray());
        Assert.All(result.AttentionMask.Data, m => Assert.Equal(1, m));
        Assert.Equal(5, result.PromptLength);
        Assert.Equal([10], result.ResponseLengths);
        Assert.False(result.IsStopped(0));
    }
}
