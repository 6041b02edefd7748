using Alignment;
using Alignment.Trainers.Data;

namespace RewardModelingSample;

/// <summary>
/// Makes KoChatGPT-style ranking data without downloads: for each question, three answers of different quality, ranked
/// by a hidden score. Rude answers score lowest, vague ones in between, informative ones highest; each extra detail
/// adds to the score, a polite closing adds a little, a rude closing takes away.
/// </summary>
internal static class SyntheticFeedback
{
    private static readonly string[] Topics = ["ai", "chemistry", "astronomy", "economics", "biology", "robotics", "statistics", "linguistics", "geology", "music"];
    private static readonly string[] Rude = ["stupid", "dumb and boring", "a waste of time", "not worth asking about", "for losers"];
    private static readonly string[] Vague = ["a thing", "some kind of stuff", "something people talk about", "kind of complicated", "hard to say"];
    private static readonly string[] Domains = ["science", "computer science", "mathematics", "physics", "the humanities"];
    private static readonly string[] Objects = ["machines that learn", "matter and its changes", "stars and planets", "markets and prices", "living things", "patterns in data", "languages", "rocks and the earth", "sound and rhythm"];
    private static readonly string[] Verbs = ["understand", "measure", "predict", "explain", "analyze"];
    private static readonly string[] Tools = ["experiments", "models", "computers", "careful observation", "data"];
    private static readonly string[] Polite = ["i hope this helps .", "happy to help .", "thanks for asking ."];
    private static readonly string[] Dismissive = ["stop asking .", "figure it out yourself .", "whatever ."];

    /// <summary>The prompt for a topic.</summary>
    public static string Prompt(string topic) => $"question : what is {topic} ? answer :";

    /// <summary><paramref name="count"/> questions, each with three answers ranked best (0) to worst (2).</summary>
    public static List<RankedCompletions> Rankings(int count, ulong seed)
    {
        var random = new RandomGenerator(seed);
        var rankings = new List<RankedCompletions>(count);
        while (rankings.Count < count)
        {
            var topic = Pick(random, Topics);
            var answers = Enumerable.Range(0, 3).Select(_ => Answer(random, topic)).ToArray();
            if (answers.Select(a => a.Score).Distinct().Count() < 3)
            {
                continue; // ties carry no preference
            }

            // ranking[i] is the rank of answer i: 0 for the highest score.
            var ranking = answers.Select(a => answers.Count(b => b.Score > a.Score)).ToArray();
            rankings.Add(new RankedCompletions(Prompt(topic), answers.Select(a => a.Text).ToArray(), ranking));
        }

        return rankings;
    }

    /// <summary>Every word the generator can produce, for the tokenizer's vocabulary.</summary>
    public static IEnumerable<string> Corpus() =>
        Topics.Select(Prompt).Concat(Rude).Concat(Vague).Concat(Domains).Concat(Objects).Concat(Verbs).Concat(Tools).Concat(Polite).Concat(Dismissive)
            .Append("is a field of that studies . it helps people with");

    private static (string Text, double Score) Answer(RandomGenerator random, string topic)
    {
        var kind = random.NextInt(3);
        var (text, score) = kind switch
        {
            0 => ($"{topic} is {Pick(random, Rude)} .", -2.0),
            1 => ($"{topic} is {Pick(random, Vague)} .", 0.0),
            _ => ($"{topic} is a field of {Pick(random, Domains)} that studies {Pick(random, Objects)} .", 2.0),
        };
        if (kind == 2)
        {
            var details = random.NextInt(2);
            for (var i = 0; i < details; i++)
            {
                text += $" it helps people {Pick(random, Verbs)} {Pick(random, Objects)} with {Pick(random, Tools)} .";
                score += 1;
            }
        }

        switch (random.NextInt(3))
        {
            case 0:
                text += " " + Pick(random, Polite);
                score += 0.5;
                break;
            case 1:
                text += " " + Pick(random, Dismissive);
                score -= 1.5;
                break;
        }

        return (text, score);
    }

    private static string Pick(RandomGenerator random, string[] items) => items[random.NextInt(items.Length)];
}
