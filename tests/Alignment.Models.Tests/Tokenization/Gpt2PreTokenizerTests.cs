using System.Text;
using System.Text.RegularExpressions;
using Alignment.Models.Tokenization.PreTokenization;

namespace Alignment.Models.Tests.Tokenization;

public class Gpt2PreTokenizerTests
{
    private const string Pattern = @"'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+";

    // Letters (Lu, Ll, Lt, Lm, Lo), numbers (Nd, Nl, No), white space of every kind, marks,
    // format characters, punctuation and the letters of the contractions, all in the BMP so that
    // .NET's UTF-16 regex is a faithful oracle.
    private const string Alphabet =
        "aZéǅʰ中ß stemrvldSLE'''0٣Ⅻ½\t\n\r\v\f\u0085\u00A0\u1680\u2003\u2028\u2029\u202F\u3000  .,!-\"©\u0301\u200D\u001C";

    private static readonly Regex Oracle = new(Pattern, RegexOptions.CultureInvariant);

    [Fact]
    public void MatchesTheRegexOnRandomText()
    {
        var random = new Random(12345);
        var builder = new StringBuilder();
        for (int i = 0; i < 20_000; i++)
        {
            builder.Clear();
            int length = random.Next(0, 24);
            for (int k = 0; k < length; k++)
            {
                builder.Append(Alphabet[random.Next(Alphabet.Length)]);
            }

            string text = builder.ToString();
            string[] expected = [.. Oracle.Matches(text).Select(m => m.Value)];
            Assert.Equal(text, string.Concat(expected));
            Assert.Equal(expected, Gpt2PreTokenizer.Split(text));
        }
    }

    [Theory]
    [InlineData("Hello world", new[] { "Hello", " world" })]
    [InlineData("Hello  world", new[] { "Hello", " ", " world" })]
    [InlineData("it's they'll I'M", new[] { "it", "'s", " they", "'ll", " I", "'", "M" })]
    [InlineData("'sam", new[] { "'s", "am" })]
    [InlineData("!'s", new[] { "!'", "s" })]
    [InlineData("a \n\tb", new[] { "a", " \n", "\t", "b" })]
    [InlineData("x   ", new[] { "x", "   " })]
    [InlineData("\u00A0word", new[] { "\u00A0", "word" })]
    [InlineData(" 123abc", new[] { " 123", "abc" })]
    [InlineData("e\u0301t\u00E9", new[] { "e", "\u0301", "t\u00E9" })]
    public void SplitsLikeGpt2(string text, string[] pieces) => Assert.Equal(pieces, Gpt2PreTokenizer.Split(text));

    [Fact]
    public void AstralCodePointsAreClassifiedAsWholeCodePoints()
    {
        // U+1D400 MATHEMATICAL BOLD CAPITAL A is a letter; U+1F600 is a symbol; U+1D7CE is a digit.
        Assert.Equal(["a\U0001D400b", " \U0001D401", "\U0001F600\U0001F600", " \U0001D7CE\U0001D7CF"],
            Gpt2PreTokenizer.Split("a\U0001D400b \U0001D401\U0001F600\U0001F600 \U0001D7CE\U0001D7CF"));
    }

    [Fact]
    public void LoneSurrogatesAreOtherSymbols()
    {
        Assert.Equal(["a", "\uD800.", " \uDC00"], Gpt2PreTokenizer.Split("a\uD800. \uDC00"));
    }
}
