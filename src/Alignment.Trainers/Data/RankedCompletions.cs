namespace Alignment.Trainers.Data;

/// <summary>
/// A prompt with k ≥ 2 completions ranked by people: <see cref="Ranking"/>[i] is the rank of completion i, and a
/// lower rank is better (rank 0 is the best), as in KoChatGPT's <c>kochatgpt_2_RM.jsonl</c>. The ranks must be
/// distinct integers; only their order matters.
/// </summary>
public sealed class RankedCompletions
{
    /// <summary>Creates a ranked set, checking it.</summary>
    /// <param name="prompt">The prompt; may be empty.</param>
    /// <param name="completions">The k ≥ 2 completions, none empty.</param>
    /// <param name="ranking">One distinct rank per completion, lower is better.</param>
    /// <exception cref="ArgumentException">Fewer than two completions, an empty completion, a ranking of another length, or a repeated rank.</exception>
    public RankedCompletions(string prompt, IReadOnlyList<string> completions, IReadOnlyList<int> ranking)
    {
        ArgumentNullException.ThrowIfNull(prompt);
        ArgumentNullException.ThrowIfNull(completions);
        ArgumentNullException.ThrowIfNull(ranking);
        if (FindProblem(completions, ranking) is { } problem)
        {
            throw new ArgumentException(problem.Message, problem.Field == "ranking" ? nameof(ranking) : nameof(completions));
        }

        Prompt = prompt;
        Completions = completions.ToArray();
        Ranking = ranking.ToArray();
    }

    /// <summary>The prompt.</summary>
    public string Prompt { get; }

    /// <summary>The completions, in their original order.</summary>
    public IReadOnlyList<string> Completions { get; }

    /// <summary>The rank of each completion (lower is better).</summary>
    public IReadOnlyList<int> Ranking { get; }

    /// <summary>Expands many ranked sets into pairs, in order.</summary>
    /// <param name="rankings">The ranked sets.</param>
    /// <param name="expansion">Which pairs to make.</param>
    /// <returns>The pairs of every set, one set after another.</returns>
    public static IReadOnlyList<PreferencePair> Expand(IEnumerable<RankedCompletions> rankings, RankingExpansion expansion)
    {
        ArgumentNullException.ThrowIfNull(rankings);
        var pairs = new List<PreferencePair>();
        foreach (var ranking in rankings)
        {
            ArgumentNullException.ThrowIfNull(ranking, nameof(rankings));
            pairs.AddRange(ranking.ToPairs(expansion));
        }

        return pairs;
    }

    /// <summary>
    /// The preference pairs of this ranking. <see cref="RankingExpansion.AllPairs"/> visits the pairs (i, j), i &lt; j,
    /// in order (0, 1), (0, 2), …, (1, 2), …, and makes the better-ranked one of each the chosen response;
    /// <see cref="RankingExpansion.BestVersusRest"/> pairs the best completion with each other one in completion order.
    /// </summary>
    /// <param name="expansion">Which pairs to make.</param>
    /// <returns>k(k − 1)/2 or k − 1 pairs.</returns>
    public IReadOnlyList<PreferencePair> ToPairs(RankingExpansion expansion)
    {
        var k = Completions.Count;
        var pairs = new List<PreferencePair>();
        switch (expansion)
        {
            case RankingExpansion.AllPairs:
                for (var i = 0; i < k; i++)
                {
                    for (var j = i + 1; j < k; j++)
                    {
                        var (better, worse) = Ranking[i] < Ranking[j] ? (i, j) : (j, i);
                        pairs.Add(new PreferencePair(Prompt, Completions[better], Completions[worse]));
                    }
                }

                break;
            case RankingExpansion.BestVersusRest:
                var best = 0;
                for (var i = 1; i < k; i++)
                {
                    best = Ranking[i] < Ranking[best] ? i : best;
                }

                for (var i = 0; i < k; i++)
                {
                    if (i != best)
                    {
                        pairs.Add(new PreferencePair(Prompt, Completions[best], Completions[i]));
                    }
                }

                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(expansion), expansion, "Unknown ranking expansion.");
        }

        return pairs;
    }

    /// <summary>The first problem with a ranked set, naming the field ("completion_i" or "ranking"), or null.</summary>
    internal static (string Field, string Message)? FindProblem(IReadOnlyList<string> completions, IReadOnlyList<int> ranking)
    {
        if (completions.Count < 2)
        {
            return ("completion_1", $"a ranking needs at least 2 completions, got {completions.Count}.");
        }

        for (var i = 0; i < completions.Count; i++)
        {
            if (string.IsNullOrWhiteSpace(completions[i]))
            {
                return (Invariant.Format($"completion_{i}"), "the completion is empty.");
            }
        }

        if (ranking.Count != completions.Count)
        {
            return ("ranking", $"{ranking.Count} ranks for {completions.Count} completions; give one rank per completion.");
        }

        var seen = new Dictionary<int, int>();
        for (var i = 0; i < ranking.Count; i++)
        {
            if (!seen.TryAdd(ranking[i], i))
            {
                return ("ranking", Invariant.Format($"rank {ranking[i]} is given to completions {seen[ranking[i]]} and {i}; ranks must be distinct."));
            }
        }

        return null;
    }
}
