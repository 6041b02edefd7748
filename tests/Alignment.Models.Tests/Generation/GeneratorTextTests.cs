using Alignment.Models.Generation;
using Alignment.Models.Tests.Tokenization;
using Alignment.Models.Tokenization;

namespace Alignment.Models.Tests.Generation;

public class GeneratorTextTests
{
    [Fact]
    public void Generate_WithTokenizer_DecodesResponsesWithoutStopToken()
    {
        var tokenizer = ByteLevelBpeTokenizer.FromStreams(TinyBpe.VocabJson(), TinyBpe.MergesTxt());
        var endOfText = tokenizer.EndOfTextId!.Value;
        var model = GenerationTestModels.Random(vocabulary: tokenizer.VocabularySize);
        string[] prompts = ["hello there", "and"];
        var free = Generator.Generate(model, tokenizer, prompts, new GenerationOptions { MaxNewTokens = 30, Seed = 2 });
        // Same seed, same draws: row 0 now stops at its third token at the latest.
        var stop = free.Tokens.GetResponseIds(0)[2];
        var options = new GenerationOptions { MaxNewTokens = 30, StopTokenIds = [endOfText, stop], Seed = 2 };

        var result = Generator.Generate(model, tokenizer, prompts, options);

        Assert.Equal(2, result.Responses.Count);
        for (var r = 0; r < prompts.Length; r++)
        {
            Assert.Equal(tokenizer.EncodeToIds(prompts[r]), result.Tokens.GetPromptIds(r));
            var response = result.Tokens.GetResponseIds(r);
            var expected = result.Tokens.IsStopped(r) ? response[..^1] : response;
            Assert.Equal(tokenizer.Decode(expected), result.Responses[r]);
        }

        Assert.True(result.Tokens.IsStopped(0));
        Assert.True(result.Tokens.ResponseLengths[0] <= 3);
        Assert.Equal(free.Tokens.GetResponseIds(0)[..result.Tokens.ResponseLengths[0]], result.Tokens.GetResponseIds(0));
    }
}
