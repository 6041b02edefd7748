using Alignment.Trainers.Data;
using Alignment.Trainers.Tests.Testing;

namespace Alignment.Trainers.Tests.Data;

public class PreferenceDataReaderTests
{
    [Fact]
    public void ReadPairs_ValidJsonLines_ReadsEveryPairSkippingBlankLines()
    {
        using var dir = new TempDirectory();
        var path = dir.WriteFile("pairs.jsonl", """
            {"prompt": "Hi", "chosen": "Hello!", "rejected": "Go away.", "margin": 1.5}

            {"chosen": "yes", "rejected": "no", "extra": [1, 2]}
            {"prompt": null, "chosen": "a", "rejected": "b", "margin": null}
            """);
        var pairs = PreferenceDataReader.ReadPairs(path);
        Assert.Equal(
            [new PreferencePair("Hi", "Hello!", "Go away.", 1.5f), new PreferencePair(string.Empty, "yes", "no"), new PreferencePair(string.Empty, "a", "b")],
            pairs);
    }

    [Fact]
    public void ReadPairs_TextReader_UsesTheSourceNameInErrors()
    {
        var ex = Assert.Throws<PreferenceDataException>(() => PreferenceDataReader.ReadPairs(new StringReader("{\"chosen\": \"a\"}"), "memory.jsonl"));
        Assert.Equal("memory.jsonl, line 1, field 'rejected': the field is missing.", ex.Message);
    }

    [Theory]
    [InlineData("{\"prompt\": \"p\", \"chosen\": \"a\", \"rejected\": \"b\"", null, "not valid JSON")]
    [InlineData("{\"prompt\": \"p\", \"rejected\": \"b\"}", "chosen", "missing")]
    [InlineData("{\"prompt\": \"p\", \"chosen\": 3, \"rejected\": \"b\"}", "chosen", "expected a string, got the number 3")]
    [InlineData("{\"prompt\": 1, \"chosen\": \"a\", \"rejected\": \"b\"}", "prompt", "expected a string")]
    [InlineData("{\"prompt\": \"p\", \"chosen\": \"a\", \"rejected\": \"  \"}", "rejected", "empty")]
    [InlineData("{\"prompt\": \"p\", \"chosen\": \"\", \"rejected\": \"b\"}", "chosen", "empty")]
    [InlineData("{\"prompt\": \"p\", \"chosen\": \"a\", \"rejected\": \"b\", \"margin\": \"big\"}", "margin", "expected a number")]
    [InlineData("{\"prompt\": \"p\", \"chosen\": \"a\", \"rejected\": \"b\", \"margin\": 1e39}", "margin", "not finite")]
    [InlineData("[\"p\", \"a\", \"b\"]", "(record)", "expected an object")]
    public void ReadPairs_MalformedSecondLine_ErrorNamesFileLineAndField(string badLine, string? field, string problem)
    {
        using var dir = new TempDirectory();
        var path = dir.WriteFile("pairs.jsonl", "{\"prompt\": \"p\", \"chosen\": \"a\", \"rejected\": \"b\"}\n" + badLine + "\n");
        var ex = Assert.Throws<PreferenceDataException>(() => PreferenceDataReader.ReadPairs(path));
        AssertNames(ex, path, 2, field, problem);
    }

    [Fact]
    public void ReadRankings_KoChatGptJsonArray_ReadsRankingsWithTheirLines()
    {
        using var dir = new TempDirectory();
        var path = dir.WriteFile("kochatgpt_2_RM.jsonl", """
            [
              {
                "prompt": "What is AI?",
                "completion_0": "A field of computer science.",
                "completion_1": "I don't know.",
                "completion_2": "Artificial intelligence is the study of machines that learn.",
                "ranking": [1, 2, 0]
              },
              {"prompt": "Hi", "completion_0": "Hello", "completion_1": "...", "ranking": [0, 1]}
            ]
            """);
        var rankings = PreferenceDataReader.ReadRankings(path);
        Assert.Equal(2, rankings.Count);
        Assert.Equal(3, rankings[0].Completions.Count);
        Assert.Equal([1, 2, 0], rankings[0].Ranking);
        var pairs = RankedCompletions.Expand(rankings, RankingExpansion.AllPairs);
        Assert.Equal(4, pairs.Count);
        Assert.Equal("Artificial intelligence is the study of machines that learn.", pairs[1].Chosen);
    }

    [Fact]
    public void ReadRankings_JsonArrayWithBadSecondRecord_ErrorNamesTheRecordsLine()
    {
        using var dir = new TempDirectory();
        var path = dir.WriteFile("rm.json", "[\n  {\"completion_0\": \"a\", \"completion_1\": \"b\", \"ranking\": [0, 1]},\n\n  {\"completion_0\": \"a\",\n   \"completion_1\": \"b\", \"ranking\": [0, 0]}\n]\n");
        var ex = Assert.Throws<PreferenceDataException>(() => PreferenceDataReader.ReadRankings(path));
        AssertNames(ex, path, 4, "ranking", "distinct");
    }

    [Fact]
    public void ReadRankings_JsonArrayNotClosed_ErrorNamesFileAndLine()
    {
        using var dir = new TempDirectory();
        var path = dir.WriteFile("rm.json", "[\n  {\"completion_0\": \"a\", \"completion_1\": \"b\", \"ranking\": [0, 1]},\n  {\"completion_0\": \"a\"\n");
        var ex = Assert.Throws<PreferenceDataException>(() => PreferenceDataReader.ReadRankings(path));
        Assert.Contains(path, ex.Message);
        Assert.Contains("not a valid JSON array", ex.Message);
        Assert.NotNull(ex.LineNumber);
    }

    [Theory]
    [InlineData("{\"prompt\": \"p\", \"completion_0\": \"a\", \"completion_1\": \"b\", \"ranking\": [0, 1, 2]}", "ranking", "3 ranks for 2 completions")]
    [InlineData("{\"prompt\": \"p\", \"completion_0\": \"a\", \"completion_1\": \"b\", \"completion_2\": \"c\", \"ranking\": [0, 2]}", "ranking", "2 ranks for 3 completions")]
    [InlineData("{\"prompt\": \"p\", \"completion_0\": \"a\", \"completion_1\": \"b\", \"ranking\": [1, 1]}", "ranking", "ranks must be distinct")]
    [InlineData("{\"prompt\": \"p\", \"completion_0\": \"a\", \"completion_1\": \"b\"}", "ranking", "missing")]
    [InlineData("{\"prompt\": \"p\", \"completion_0\": \"a\", \"completion_1\": \"b\", \"ranking\": \"0,1\"}", "ranking", "expected an array")]
    [InlineData("{\"prompt\": \"p\", \"completion_0\": \"a\", \"completion_1\": \"b\", \"ranking\": [0, 1.5]}", "ranking[1]", "expected an integer")]
    [InlineData("{\"prompt\": \"p\", \"completion_0\": \"a\", \"ranking\": [0]}", "completion_1", "at least 2 completions")]
    [InlineData("{\"prompt\": \"p\", \"completion_0\": \"a\", \"completion_1\": \"\", \"ranking\": [0, 1]}", "completion_1", "empty")]
    [InlineData("{\"prompt\": \"p\", \"completion_0\": \"a\", \"completion_1\": false, \"ranking\": [0, 1]}", "completion_1", "expected a string")]
    [InlineData("{\"prompt\": \"p\", \"completion_0\": \"a\" \"completion_1\": \"b\"}", null, "not valid JSON")]
    public void ReadRankings_MalformedSecondLine_ErrorNamesFileLineAndField(string badLine, string? field, string problem)
    {
        using var dir = new TempDirectory();
        var path = dir.WriteFile("rankings.jsonl", "{\"prompt\": \"p\", \"completion_0\": \"a\", \"completion_1\": \"b\", \"ranking\": [1, 0]}\n" + badLine);
        var ex = Assert.Throws<PreferenceDataException>(() => PreferenceDataReader.ReadRankings(path));
        AssertNames(ex, path, 2, field, problem);
    }

    [Fact]
    public void ReadStackExchange_ValidLines_ReadsQuestionsAndAnswers()
    {
        using var dir = new TempDirectory();
        var path = dir.WriteFile("se.jsonl", """
            {"question": "How do I sort?", "answers": [{"text": "Use Array.Sort.", "upvotes": 10, "accepted": true}, {"text": "Bubble sort.", "upvotes": -2}]}
            """);
        var question = Assert.Single(PreferenceDataReader.ReadStackExchange(path));
        Assert.Equal("How do I sort?", question.Question);
        Assert.Equal([new StackExchangeAnswer("Use Array.Sort.", 10, true), new StackExchangeAnswer("Bubble sort.", -2)], question.Answers);
        var pair = Assert.Single(StackExchangePreferences.ToPairs([question], 0));
        Assert.Equal("Use Array.Sort.", pair.Chosen);
    }

    [Theory]
    [InlineData("{\"answers\": []}", "question", "missing")]
    [InlineData("{\"question\": \"\", \"answers\": []}", "question", "empty")]
    [InlineData("{\"question\": \"q\"}", "answers", "missing")]
    [InlineData("{\"question\": \"q\", \"answers\": {\"text\": \"a\"}}", "answers", "expected an array")]
    [InlineData("{\"question\": \"q\", \"answers\": [{\"text\": \"a\", \"upvotes\": 1}, \"b\"]}", "answers[1]", "expected an object")]
    [InlineData("{\"question\": \"q\", \"answers\": [{\"text\": \"a\", \"upvotes\": 1}, {\"upvotes\": 2}]}", "answers[1].text", "missing")]
    [InlineData("{\"question\": \"q\", \"answers\": [{\"text\": \" \", \"upvotes\": 1}]}", "answers[0].text", "empty")]
    [InlineData("{\"question\": \"q\", \"answers\": [{\"text\": \"a\", \"upvotes\": \"many\"}]}", "answers[0].upvotes", "expected an integer")]
    [InlineData("{\"question\": \"q\", \"answers\": [{\"text\": \"a\"}]}", "answers[0].upvotes", "missing")]
    [InlineData("{\"question\": \"q\", \"answers\": [{\"text\": \"a\", \"upvotes\": 2.5}]}", "answers[0].upvotes", "expected an integer")]
    [InlineData("{\"question\": \"q\", \"answers\": [{\"text\": \"a\", \"upvotes\": 2, \"accepted\": \"yes\"}]}", "answers[0].accepted", "expected true or false")]
    [InlineData("{\"question\": \"q\", \"answers\": [}", null, "not valid JSON")]
    public void ReadStackExchange_MalformedSecondLine_ErrorNamesFileLineAndField(string badLine, string? field, string problem)
    {
        using var dir = new TempDirectory();
        var path = dir.WriteFile("se.jsonl", "{\"question\": \"q\", \"answers\": [{\"text\": \"a\", \"upvotes\": 1}]}\r\n" + badLine + "\r\n");
        var ex = Assert.Throws<PreferenceDataException>(() => PreferenceDataReader.ReadStackExchange(path));
        AssertNames(ex, path, 2, field, problem);
    }

    private static void AssertNames(PreferenceDataException ex, string path, int line, string? field, string problem)
    {
        Assert.Equal(path, ex.SourceName);
        Assert.Equal(line, ex.LineNumber);
        Assert.Equal(field, ex.Field);
        Assert.StartsWith(field is null ? $"{path}, line {line}: " : $"{path}, line {line}, field '{field}': ", ex.Message);
        Assert.Contains(problem, ex.Message);
    }
}
