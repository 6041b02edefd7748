using Alignment.Models.Tokenization;
using System.Text.Json.Nodes;

namespace Alignment.Models.Tests.Tokenization;

public class TokenizerJsonTests
{
    private static readonly string[] Samples =
    [
        "the", " the", "hello there", "and then the end", "  \n\n  thing ing", "Hello, the 'll", "héllo 😀", "<|endoftext|>", "",
    ];

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void TokenizerJsonMatchesVocabAndMerges(bool pairMerges)
    {
        var fromFiles = ByteLevelBpeTokenizer.FromStreams(TinyBpe.VocabJson(), TinyBpe.MergesTxt());
        var fromJson = ByteLevelBpeTokenizer.FromTokenizerJson(TinyBpe.ToStream(TinyBpe.TokenizerJson(pairMerges)));
        Assert.Equal(fromFiles.VocabularySize, fromJson.VocabularySize);
        Assert.Equal(fromFiles.EndOfTextId, fromJson.EndOfTextId);
        foreach (string s in Samples)
        {
            Assert.Equal(fromFiles.EncodeToIds(s), fromJson.EncodeToIds(s));
            Assert.Equal(fromFiles.EncodeToIds(s, true), fromJson.EncodeToIds(s, true));
            Assert.Equal(s, fromJson.Decode(fromJson.EncodeToIds(s)));
        }
    }

    [Fact]
    public void TinyMergesApplyByRank()
    {
        var tokenizer = ByteLevelBpeTokenizer.FromTokenizerJson(TinyBpe.ToStream(TinyBpe.TokenizerJson(false)));
        Assert.Equal(["t", "he"], Tokens(tokenizer, "the"));
        Assert.Equal(["\u0120the"], Tokens(tokenizer, " the"));
        Assert.Equal(["he", "ll", "o", "\u0120and"], Tokens(tokenizer, "hello and"));
        Assert.Equal(["ell", "o"], Tokens(tokenizer, "ello"));
        Assert.Equal(["\u0120\u0120", "\u0120", "x"], Tokens(tokenizer, "    x"[1..]));
        Assert.Equal(["<|endoftext|>"], Tokens(tokenizer, "<|endoftext|>", allowSpecial: true));
    }

    [Fact]
    public void AddedTokensFromTheFileAreLoaded()
    {
        JsonObject json = TinyBpe.TokenizerJson(false);
        int next = TinyBpe.Vocabulary().Count;
        json["added_tokens"]!.AsArray().Add(new JsonObject { ["id"] = next, ["content"] = "<pad>", ["special"] = true });
        json["added_tokens"]!.AsArray().Add(new JsonObject { ["id"] = next + 1, ["content"] = "[[x]]", ["special"] = false });
        var tokenizer = ByteLevelBpeTokenizer.FromTokenizerJson(TinyBpe.ToStream(json), new() { PaddingToken = "<pad>" });
        Assert.Equal(next + 2, tokenizer.VocabularySize);
        Assert.Equal(next, tokenizer.PaddingId);
        Assert.True(tokenizer.SpecialTokens.ContainsKey("<pad>"));
        Assert.False(tokenizer.SpecialTokens.ContainsKey("[[x]]"));

        // A non-special added token is matched even when special tokens are not allowed.
        int[] ids = tokenizer.EncodeToIds("a[[x]]<pad>");
        Assert.Contains(next + 1, ids);
        Assert.DoesNotContain(next, ids);
        Assert.Equal("a[[x]]<pad>", tokenizer.Decode(ids));
        Assert.Equal(next, tokenizer.EncodeToIds("a[[x]]<pad>", allowSpecialTokens: true)[^1]);
        Assert.Equal("a[[x]]", tokenizer.Decode(tokenizer.EncodeToIds("a[[x]]<pad>", true), skipSpecialTokens: true));
    }

    [Fact]
    public void FromDirectoryPrefersTokenizerJson()
    {
        string directory = Directory.CreateTempSubdirectory("tok").FullName;
        try
        {
            File.Copy(Gpt2Fixture.VocabPath, Path.Combine(directory, "vocab.json"));
            File.Copy(Gpt2Fixture.MergesPath, Path.Combine(directory, "merges.txt"));
            Assert.Equal(50257, ByteLevelBpeTokenizer.FromDirectory(directory).VocabularySize);
            File.WriteAllText(Path.Combine(directory, "tokenizer.json"), TinyBpe.TokenizerJson(true).ToJsonString());
            Assert.Equal(TinyBpe.Vocabulary().Count, ByteLevelBpeTokenizer.FromDirectory(directory).VocabularySize);
            Assert.Throws<FileNotFoundException>(() => ByteLevelBpeTokenizer.FromDirectory(Path.Combine(directory, "missing")));
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    private static string[] Tokens(ByteLevelBpeTokenizer tokenizer, string text, bool allowSpecial = false) =>
        [.. tokenizer.EncodeToIds(text, allowSpecial).Select(id => tokenizer.IdToToken(id)!)];
}
