using System.Text;
using System.Text.Json.Nodes;
using Alignment.Models.Tokenization;

namespace Alignment.Models.Tests.Tokenization;

public sealed class MalformedFileTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("tok-bad").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public void InvalidVocabJsonNamesFileAndLine()
    {
        var error = LoadFiles("{\n  \"a\": 1,\n  \"b\": 2,,\n}", "#version: 0.2\n");
        Assert.Contains("vocab.json", error.Message);
        Assert.Contains("invalid JSON", error.Message);
        Assert.Contains("line 3", error.Message);
        Assert.Equal(3, error.LineNumber);
        Assert.EndsWith("vocab.json", error.SourceName);
    }

    [Theory]
    [InlineData("\"x\"", "the string \"x\"")]
    [InlineData("1.5", "the number 1.5")]
    [InlineData("-3", "the number -3")]
    [InlineData("99999999999", "the number 99999999999")]
    [InlineData("[1]", "an array")]
    public void NonIntegerIdNamesTokenAndLine(string value, string found)
    {
        var error = LoadFiles("{\n  \"a\": 1,\n  \"b\": " + value + "\n}", "");
        Assert.Contains("vocab.json, line 3", error.Message);
        Assert.Contains("token \"b\"", error.Message);
        Assert.Contains(found, error.Message);
        Assert.Equal(3, error.LineNumber);
    }

    [Fact]
    public void VocabMustBeAnObject()
    {
        var error = LoadFiles("[\"a\", \"b\"]", "");
        Assert.Contains("expected a JSON object mapping token strings to integer ids, found an array", error.Message);
    }

    [Fact]
    public void DuplicateIdsAndTokensAreRejected()
    {
        var ids = LoadFiles("{\"a\": 1,\n\"b\": 1}", "");
        Assert.Contains("line 2: id 1 is given to both \"a\" and \"b\"", ids.Message);
        var tokens = LoadFiles("{\"a\": 1,\n\"a\": 2}", "");
        Assert.Contains("line 2: token \"a\" appears more than once", tokens.Message);
    }

    [Fact]
    public void VocabWithoutAllByteSymbolsIsRejected()
    {
        var error = LoadFiles("{\"a\": 0, \"b\": 1}", "");
        Assert.Contains("byte 0x00", error.Message);
        Assert.Contains("all 256 byte symbols", error.Message);
    }

    [Theory]
    [InlineData("h e x")]
    [InlineData("he")]
    [InlineData("h  e")]
    [InlineData(" h")]
    public void MergesLineWithoutTwoSymbolsNamesTheLine(string line)
    {
        var error = LoadMerges("#version: 0.2\n\u0120 t\n" + line + "\n");
        Assert.Contains("merges.txt, line 3: expected two symbols separated by a single space", error.Message);
        Assert.Equal(3, error.LineNumber);
    }

    [Fact]
    public void MergeOfUnknownSymbolNamesTheLine()
    {
        var error = LoadMerges("#version: 0.2\n\u0120 t\n\u0120t zzzz\n");
        Assert.Contains("merges.txt, line 3: symbol \"zzzz\"", error.Message);
        Assert.Contains("is not in the vocabulary", error.Message);
    }

    [Fact]
    public void MergeWhoseResultIsNotInTheVocabularyNamesTheLine()
    {
        var error = LoadMerges("q z\n");
        Assert.Contains("merges.txt, line 1: merged symbol \"qz\"", error.Message);
    }

    [Fact]
    public void HashLinesAfterTheFirstAreMerges()
    {
        string merges = "#version: 0.2\n# #\n";
        var error = Assert.Throws<TokenizerFormatException>(() => ByteLevelBpeTokenizer.FromStreams(
            TinyBpe.VocabJson(), new MemoryStream(Encoding.UTF8.GetBytes(merges))));
        Assert.Contains("line 2: merged symbol \"##\"", error.Message);
    }

    [Fact]
    public void InvalidTokenizerJsonNamesFileAndLine()
    {
        string path = Write("tokenizer.json", "{\n \"model\": {\n  \"type\": \"BPE\"\n  \"vocab\": {}\n }\n}");
        var error = Assert.Throws<TokenizerFormatException>(() => ByteLevelBpeTokenizer.FromTokenizerJson(path));
        Assert.Contains(path, error.Message);
        Assert.Contains("invalid JSON at line 4", error.Message);
    }

    [Fact]
    public void TokenizerJsonStructuralErrorsNameTheEntry()
    {
        AssertJsonError(j => j.Remove("model"), "tokenizer.json, model: missing");
        AssertJsonError(j => j["model"]!["type"] = "WordPiece", "model.type: only \"BPE\" is supported, found the string \"WordPiece\"");
        AssertJsonError(j => j["model"]!["vocab"]!["t"] = "x", "model.vocab entry \"t\": the id must be a non-negative 32-bit integer, found the string \"x\"");
        AssertJsonError(j => j["model"]!["merges"]![1] = new JsonArray(1, 2), "model.merges[1]: expected a string \"left right\" or an array of two non-empty strings, found an array");
        AssertJsonError(j => j["model"]!["merges"]![2] = "a b c", "model.merges[2]: expected two symbols separated by a single space, found \"a b c\"");
        AssertJsonError(j => j["model"]!["merges"]![3] = "a zz", "model.merges[3]: symbol \"zz\" of the merge \"a zz\" is not in the vocabulary");
        AssertJsonError(j => j["model"]!["merges"] = "x", "model.merges: expected an array, found the string \"x\"");
        AssertJsonError(j => j["added_tokens"]![0]!.AsObject().Remove("id"), "added_tokens[0]: expected a non-negative integer \"id\"");
        AssertJsonError(j => j["added_tokens"]![0]!["id"] = 3, "added_tokens[0]: token \"<|endoftext|>\" has id 3 here but");
        AssertJsonError(j => j["normalizer"] = new JsonObject { ["type"] = "NFC" }, "normalizer: normalizers are not supported (found \"NFC\")");
        AssertJsonError(j => j["pre_tokenizer"] = new JsonObject { ["type"] = "Whitespace" }, "pre_tokenizer: only the GPT-2 \"ByteLevel\" pre-tokenizer is supported, found \"Whitespace\"");
        AssertJsonError(j => j["pre_tokenizer"]!["add_prefix_space"] = true, "pre_tokenizer.add_prefix_space: true is not supported");
        AssertJsonError(j => j["model"]!["dropout"] = 0.1, "model.dropout: BPE dropout is not supported");
        AssertJsonError(j => j["model"]!["continuing_subword_prefix"] = "##", "model.continuing_subword_prefix: a non-empty value is not supported");
    }

    private static void AssertJsonError(Action<JsonObject> corrupt, string expected)
    {
        JsonObject json = TinyBpe.TokenizerJson(pairMerges: false);
        corrupt(json);
        var error = Assert.Throws<TokenizerFormatException>(() => ByteLevelBpeTokenizer.FromTokenizerJson(TinyBpe.ToStream(json)));
        Assert.Contains(expected, error.Message);
        Assert.Equal("tokenizer.json", error.SourceName);
    }

    private TokenizerFormatException LoadFiles(string vocab, string merges) =>
        Assert.Throws<TokenizerFormatException>(() =>
            ByteLevelBpeTokenizer.FromFiles(Write("vocab.json", vocab), Write("merges.txt", merges)));

    private TokenizerFormatException LoadMerges(string merges)
    {
        string vocab = Write("vocab.json", Encoding.UTF8.GetString(TinyBpe.VocabJson().ToArray()));
        string path = Write("merges.txt", merges);
        var error = Assert.Throws<TokenizerFormatException>(() => ByteLevelBpeTokenizer.FromFiles(vocab, path));
        Assert.Contains(path, error.Message);
        return error;
    }

    private string Write(string name, string content)
    {
        string path = Path.Combine(_directory, name);
        File.WriteAllText(path, content);
        return path;
    }
}
