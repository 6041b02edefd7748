using Alignment.Models.Tokenization;

namespace Alignment.Models.Tests.Tokenization;

public class SpecialTokenTests
{
    private const string EndOfText = "<|endoftext|>";

    [Fact]
    public void EndOfTextIsOneTokenOnlyWhenAllowed()
    {
        var tokenizer = Gpt2Fixture.Tokenizer;
        Assert.Equal([50256], tokenizer.EncodeToIds(EndOfText, allowSpecialTokens: true));
        int[] ordinary = tokenizer.EncodeToIds(EndOfText);
        Assert.True(ordinary.Length > 1);
        Assert.DoesNotContain(50256, ordinary);
        Assert.Equal(EndOfText, tokenizer.Decode(ordinary));
        Assert.Equal(1, tokenizer.CountTokens(EndOfText, allowSpecialTokens: true));
        Assert.Equal(ordinary.Length, tokenizer.CountTokens(EndOfText));
    }

    [Fact]
    public void DecodingTheEndOfTextIdGivesItsText()
    {
        Assert.Equal(EndOfText, Gpt2Fixture.Tokenizer.Decode([50256]));
        Assert.Equal("Hi", Gpt2Fixture.Tokenizer.Decode([17250, 50256], skipSpecialTokens: true));
    }

    [Fact]
    public void SpecialTokensSplitTheSurroundingText()
    {
        var tokenizer = Gpt2Fixture.Tokenizer;
        string text = "Hello world" + EndOfText + " Hello world" + EndOfText + EndOfText;
        int[] ids = tokenizer.EncodeToIds(text, allowSpecialTokens: true);
        Assert.Equal([15496, 995, 50256, 18435, 995, 50256, 50256], ids);
        Assert.Equal(text, tokenizer.Decode(ids));
        Assert.Equal(ids.Length, tokenizer.CountTokens(text, allowSpecialTokens: true));
    }

    [Fact]
    public void SpecialTokensAreReported()
    {
        var tokenizer = Gpt2Fixture.Tokenizer;
        Assert.Equal(new Dictionary<string, int> { [EndOfText] = 50256 }, tokenizer.SpecialTokens);
    }

    [Fact]
    public void OptionsCanNameExtraSpecialAndPaddingTokens()
    {
        var tokenizer = Gpt2Fixture.Load(new() { SpecialTokens = ["\u0120world"], PaddingToken = EndOfText });
        Assert.Equal(50256, tokenizer.PaddingId);
        Assert.Equal([15496, 995], tokenizer.EncodeToIds("Hello world"));
        Assert.Equal([15496, 995], tokenizer.EncodeToIds("HelloĠworld", allowSpecialTokens: true));
        Assert.Equal("Hello", tokenizer.Decode([15496, 995], skipSpecialTokens: true));
    }

    [Fact]
    public void UnknownSpecialTokenInOptionsIsRejected()
    {
        var error = Assert.Throws<ArgumentException>(() => Gpt2Fixture.Load(new() { SpecialTokens = ["<|nope|>"] }));
        Assert.Contains("<|nope|>", error.Message);
    }

    [Fact]
    public void WithoutEndOfTextOptionTheIdIsNull()
    {
        var tokenizer = Gpt2Fixture.Load(new() { EndOfTextToken = null, BeginningOfSequenceToken = null });
        Assert.Null(tokenizer.EndOfTextId);
        Assert.Null(tokenizer.BeginningOfSequenceId);
        Assert.Empty(tokenizer.SpecialTokens);
        Assert.NotEqual([50256], tokenizer.EncodeToIds(EndOfText, allowSpecialTokens: true));
    }
}
