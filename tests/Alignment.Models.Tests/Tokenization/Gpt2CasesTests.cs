using System.Text.Json;

namespace Alignment.Models.Tests.Tokenization;

public class Gpt2CasesTests
{
    private sealed record Case(string Text, int[] Ids);

    private static List<Case> LoadCases()
    {
        using JsonDocument document = JsonDocument.Parse(File.ReadAllBytes(Gpt2Fixture.CasesPath));
        return [.. document.RootElement.EnumerateArray().Select(c => new Case(
            c.GetProperty("text").GetString()!,
            [.. c.GetProperty("ids").EnumerateArray().Select(i => i.GetInt32())]))];
    }

    [Fact]
    public void EveryCaseEncodesToItsReferenceIds()
    {
        List<Case> cases = LoadCases();
        Assert.NotEmpty(cases);
        foreach (Case c in cases)
        {
            int[] actual = Gpt2Fixture.Tokenizer.EncodeToIds(c.Text);
            if (!actual.SequenceEqual(c.Ids))
            {
                Assert.Fail($"Text {JsonSerializer.Serialize(c.Text)}\nexpected [{string.Join(", ", c.Ids)}]\nactual   [{string.Join(", ", actual)}]");
            }
        }
    }

    [Fact]
    public void EveryCaseDecodesBackAndCountsItsIds()
    {
        foreach (Case c in LoadCases())
        {
            Assert.Equal(c.Text, Gpt2Fixture.Tokenizer.Decode(c.Ids));
            Assert.Equal(c.Ids.Length, Gpt2Fixture.Tokenizer.CountTokens(c.Text));
        }
    }

    [Fact]
    public void CasesGiveTheSameIdsWithoutCacheAndWithSpecialTokensAllowed()
    {
        var uncached = Gpt2Fixture.Load(new() { CacheCapacity = 0 });
        foreach (Case c in LoadCases())
        {
            Assert.Equal(c.Ids, uncached.EncodeToIds(c.Text));
            Assert.Equal(c.Ids, Gpt2Fixture.Tokenizer.EncodeToIds(c.Text, allowSpecialTokens: true));
        }
    }

    [Fact]
    public void Gpt2VocabularyFacts()
    {
        var tokenizer = Gpt2Fixture.Tokenizer;
        Assert.Equal(50257, tokenizer.VocabularySize);
        Assert.Equal(50256, tokenizer.EndOfTextId);
        Assert.Equal(50256, tokenizer.BeginningOfSequenceId);
        Assert.Null(tokenizer.PaddingId);
        Assert.Equal(262, tokenizer.TokenToId("\u0120the"));
        Assert.Equal("\u0120the", tokenizer.IdToToken(262));
        Assert.Null(tokenizer.IdToToken(50257));
        Assert.Null(tokenizer.IdToToken(-1));
        Assert.Null(tokenizer.TokenToId("not a token"));
    }
}
