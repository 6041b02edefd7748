namespace Alignment.Models.Tests.Tokenization;

public class RoundTripTests
{
    [Fact]
    public void TenThousandRandomStringsDecodeToThemselves()
    {
        var tokenizer = Gpt2Fixture.Tokenizer;
        var text = new RandomText(seed: 20240611);
        for (int i = 0; i < 10_000; i++)
        {
            string s = text.Next();
            int[] ids = tokenizer.EncodeToIds(s);
            string decoded = tokenizer.Decode(ids);
            if (decoded != s)
            {
                Assert.Fail($"Case {i}: {Escape(s)} decoded as {Escape(decoded)}");
            }

            Assert.Equal(ids.Length, tokenizer.CountTokens(s));
            Assert.All(ids, id => Assert.InRange(id, 0, 50255));
        }
    }

    [Fact]
    public void CachedAndUncachedEncodingsAgree()
    {
        var uncached = Gpt2Fixture.Load(new() { CacheCapacity = 0 });
        var tiny = Gpt2Fixture.Load(new() { CacheCapacity = 8 });
        var text = new RandomText(seed: 7);
        for (int i = 0; i < 2_000; i++)
        {
            string s = text.Next();
            int[] expected = uncached.EncodeToIds(s);
            Assert.Equal(expected, Gpt2Fixture.Tokenizer.EncodeToIds(s));
            Assert.Equal(expected, tiny.EncodeToIds(s));
        }

        Assert.Equal(0, uncached.CachedWordCount);
        Assert.InRange(tiny.CachedWordCount, 0, 8);
    }

    [Fact]
    public void ConcurrentEncodingMatchesSequentialEncoding()
    {
        var tokenizer = Gpt2Fixture.Load(new() { CacheCapacity = 64 });
        var text = new RandomText(seed: 99);
        string[] inputs = [.. Enumerable.Range(0, 2_000).Select(_ => text.Next())];
        int[][] expected = [.. inputs.Select(s => Gpt2Fixture.Tokenizer.EncodeToIds(s))];
        Parallel.For(0, inputs.Length, i => Assert.Equal(expected[i], tokenizer.EncodeToIds(inputs[i])));
    }

    [Theory]
    [InlineData("")]
    [InlineData(" ")]
    [InlineData("\r\n")]
    [InlineData("   \t\t\n  x  ")]
    [InlineData("e\u0301\u0301")]
    [InlineData("👨\u200D👩\u200D👧\u200D👦")]
    [InlineData("\U0001D400\U0001D401 \U00010400")]
    [InlineData("<|endoftext|>")]
    [InlineData("\0\u0001\u007F\u0085\u00A0\u00AD")]
    public void AwkwardStringsDecodeToThemselves(string s) =>
        Assert.Equal(s, Gpt2Fixture.Tokenizer.Decode(Gpt2Fixture.Tokenizer.EncodeToIds(s)));

    [Fact]
    public void VeryLongWordsRoundTrip()
    {
        var random = new Random(3);
        string letters = new([.. Enumerable.Range(0, 200_000).Select(_ => (char)('a' + random.Next(26)))]);
        string digits = new('7', 50_000);
        foreach (string s in (string[])[letters, digits, " " + letters, new string(' ', 10_000) + "x"])
        {
            int[] ids = Gpt2Fixture.Tokenizer.EncodeToIds(s);
            Assert.Equal(s, Gpt2Fixture.Tokenizer.Decode(ids));
        }
    }

    [Fact]
    public void LoneSurrogatesBecomeReplacementCharacters()
    {
        int[] ids = Gpt2Fixture.Tokenizer.EncodeToIds("a\uD800b");
        Assert.Equal("a\uFFFDb", Gpt2Fixture.Tokenizer.Decode(ids));
    }

    [Fact]
    public void DecodeOverloadsAgreeAndRejectUnknownIds()
    {
        var tokenizer = Gpt2Fixture.Tokenizer;
        int[] ids = tokenizer.EncodeToIds("Decode me, please.");
        Assert.Equal("Decode me, please.", tokenizer.Decode(ids.AsSpan()));
        Assert.Equal("Decode me, please.", tokenizer.Decode(ids.ToList()));
        Assert.Equal("Decode me, please.", tokenizer.Decode(ids.Select(i => i)));
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => tokenizer.Decode([464, 50257]));
        Assert.Contains("50257", error.Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => tokenizer.Decode([-1]));
    }

    [Fact]
    public void AppendingOverloadAppends()
    {
        var ids = new List<int> { 1 };
        int added = Gpt2Fixture.Tokenizer.EncodeToIds("Hello world".AsSpan(), ids);
        Assert.Equal(2, added);
        Assert.Equal([1, 15496, 995], ids);
        Assert.Equal(2, Gpt2Fixture.Tokenizer.CountTokens("Hello world".AsSpan()));
    }

    private static string Escape(string s) =>
        string.Concat(s.Select(c => c < 0x20 || c > 0x7E ? $"\\u{(int)c:X4}" : c.ToString()));
}
