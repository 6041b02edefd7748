using Alignment.Trainers.Data;

namespace Alignment.Trainers.Tests.Testing;

/// <summary>
/// A learnable synthetic preference: prompts and responses are random filler words of random lengths, drawn
/// independently for the two responses; "good" is inserted somewhere in the chosen one and "bad" somewhere in the
/// rejected one. An untrained model ranks them at chance; a trained one must find the word anywhere in the sequence.
/// </summary>
internal static class SyntheticPreferences
{
    public static readonly string[] Filler = ["the", "a", "cat", "dog", "sat", "ran", "on", "mat", "fast", "slow"];

    public static readonly string[] Vocabulary = [.. Filler, "good", "bad"];

    public static WordTokenizer Tokenizer() => new(Vocabulary);

    public static List<PreferencePair> Pairs(int count, ulong seed)
    {
        var random = new RandomGenerator(seed);
        var pairs = new List<PreferencePair>(count);
        for (var i = 0; i < count; i++)
        {
            var prompt = Words(random, 2 + random.NextInt(2));
            pairs.Add(new PreferencePair(prompt, Response(random, "good"), Response(random, "bad")));
        }

        return pairs;
    }

    private static string Response(RandomGenerator random, string marker)
    {
        var words = Words(random, 2 + random.NextInt(4)).Split(' ').ToList();
        words.Insert(random.NextInt(words.Count + 1), marker);
        return string.Join(' ', words);
    }

    private static string Words(RandomGenerator random, int count) =>
        string.Join(' ', Enumerable.Range(0, count).Select(_ => Filler[random.NextInt(Filler.Length)]));
}
