namespace Alignment.Trainers.Data;

/// <summary>
/// Reads preference data files. Each file is JSON Lines (one object per line; blank lines are skipped) or a single
/// JSON array of objects (KoChatGPT's layout). Unknown fields are ignored; JSON null counts as a missing field.
/// Any malformed record throws a <see cref="PreferenceDataException"/> naming the file, the line where the record
/// starts, and the field.
/// </summary>
public static class PreferenceDataReader
{
    /// <summary>
    /// Reads pairs <c>{"prompt": …, "chosen": …, "rejected": …, "margin": …}</c>. "prompt" may be absent or empty
    /// (then the responses carry the whole conversation); "chosen" and "rejected" must be non-empty strings;
    /// "margin" is an optional finite number (default 0).
    /// </summary>
    /// <param name="path">The file.</param>
    /// <returns>The pairs, in file order.</returns>
    public static IReadOnlyList<PreferencePair> ReadPairs(string path) => JsonRecordSource.ReadFile(path, ToPair);

    /// <summary>Reads pairs from text; see <see cref="ReadPairs(string)"/>.</summary>
    /// <param name="reader">The text.</param>
    /// <param name="sourceName">The name used in error messages (a file name).</param>
    /// <returns>The pairs.</returns>
    public static IReadOnlyList<PreferencePair> ReadPairs(TextReader reader, string sourceName) => JsonRecordSource.Read(reader, sourceName, ToPair);

    /// <summary>
    /// Reads rankings <c>{"prompt": …, "completion_0": …, …, "completion_{k−1}": …, "ranking": [r_0, …, r_{k−1}]}</c>,
    /// where r_i is the rank of completion i and a lower rank is better (KoChatGPT's <c>kochatgpt_2_RM.jsonl</c>).
    /// The completions are the fields completion_0, completion_1, … up to the first one missing; there must be at least
    /// two, none empty, and as many distinct integer ranks. Expand them with <see cref="RankedCompletions.Expand"/>.
    /// </summary>
    /// <param name="path">The file.</param>
    /// <returns>The ranked sets, in file order.</returns>
    public static IReadOnlyList<RankedCompletions> ReadRankings(string path) => JsonRecordSource.ReadFile(path, ToRanking);

    /// <summary>Reads rankings from text; see <see cref="ReadRankings(string)"/>.</summary>
    /// <param name="reader">The text.</param>
    /// <param name="sourceName">The name used in error messages (a file name).</param>
    /// <returns>The ranked sets.</returns>
    public static IReadOnlyList<RankedCompletions> ReadRankings(TextReader reader, string sourceName) => JsonRecordSource.Read(reader, sourceName, ToRanking);

    /// <summary>
    /// Reads StackExchange questions <c>{"question": …, "answers": [{"text": …, "upvotes": n, "accepted": b}, …]}</c>.
    /// "question" and every "text" must be non-empty strings, "upvotes" an integer, "accepted" an optional boolean
    /// (default false). Turn them into pairs with <see cref="StackExchangePreferences.ToPairs"/>.
    /// </summary>
    /// <param name="path">The file.</param>
    /// <returns>The questions, in file order.</returns>
    public static IReadOnlyList<StackExchangeQuestion> ReadStackExchange(string path) => JsonRecordSource.ReadFile(path, ToQuestion);

    /// <summary>Reads StackExchange questions from text; see <see cref="ReadStackExchange(string)"/>.</summary>
    /// <param name="reader">The text.</param>
    /// <param name="sourceName">The name used in error messages (a file name).</param>
    /// <returns>The questions.</returns>
    public static IReadOnlyList<StackExchangeQuestion> ReadStackExchange(TextReader reader, string sourceName) => JsonRecordSource.Read(reader, sourceName, ToQuestion);

    private static PreferencePair ToPair(JsonRecord record)
    {
        var root = record.Root;
        return new PreferencePair(
            record.OptionalText(root, "prompt", "prompt"),
            record.RequiredText(root, "chosen", "chosen"),
            record.RequiredText(root, "rejected", "rejected"),
            record.OptionalSingle(root, "margin", "margin", 0f));
    }

    private static RankedCompletions ToRanking(JsonRecord record)
    {
        var root = record.Root;
        var prompt = record.OptionalText(root, "prompt", "prompt");
        var completions = new List<string>();
        while (JsonRecord.TryGet(root, CompletionField(completions.Count), out _))
        {
            var name = CompletionField(completions.Count);
            completions.Add(record.RequiredText(root, name, name));
        }

        if (completions.Count < 2)
        {
            throw record.Error(CompletionField(completions.Count), "the field is missing; a ranking needs at least 2 completions (completion_0, completion_1, …).");
        }

        var rankingArray = record.RequiredArray(root, "ranking", "ranking");
        var ranking = new List<int>();
        foreach (var rank in rankingArray.EnumerateArray())
        {
            ranking.Add(record.AsInt32(rank, Invariant.Format($"ranking[{ranking.Count}]")));
        }

        if (RankedCompletions.FindProblem(completions, ranking) is { } problem)
        {
            throw record.Error(problem.Field, problem.Message);
        }

        return new RankedCompletions(prompt, completions, ranking);
    }

    private static StackExchangeQuestion ToQuestion(JsonRecord record)
    {
        var root = record.Root;
        var question = record.RequiredText(root, "question", "question");
        var answers = new List<StackExchangeAnswer>();
        foreach (var element in record.RequiredArray(root, "answers", "answers").EnumerateArray())
        {
            var path = Invariant.Format($"answers[{answers.Count}]");
            var answer = record.RequireObject(element, path);
            answers.Add(new StackExchangeAnswer(
                record.RequiredText(answer, "text", path + ".text"),
                record.RequiredInt32(answer, "upvotes", path + ".upvotes"),
                record.OptionalBoolean(answer, "accepted", path + ".accepted", false)));
        }

        return new StackExchangeQuestion(question, answers);
    }

    private static string CompletionField(int index) => Invariant.Format($"completion_{index}");
}
