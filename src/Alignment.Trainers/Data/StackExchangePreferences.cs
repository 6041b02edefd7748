namespace Alignment.Trainers.Data;

/// <summary>
/// Turns StackExchange answers into preference pairs as StackLLaMA did: each answer gets a score from its votes
/// (<see cref="Score"/>), any two answers of a question with different scores make a pair (the higher score
/// chosen), and at most <c>maxPairsPerQuestion</c> of those pairs are kept per question, chosen at random.
/// </summary>
public static class StackExchangePreferences
{
    /// <summary>The number of pairs StackLLaMA kept per question. The value is 10.</summary>
    public const int DefaultMaxPairsPerQuestion = 10;

    /// <summary>
    /// The score of an answer: round(log2(1 + upvotes)) + (accepted ? 1 : 0), and −1 whenever upvotes &lt; 0
    /// (accepted or not). For integer votes log2(1 + upvotes) is never exactly halfway between two integers, so the
    /// rounding mode does not matter; <see cref="Math.Round(double)"/> (half to even, as Python's round) is used.
    /// </summary>
    /// <param name="upvotes">The answer's votes.</param>
    /// <param name="accepted">Whether the answer was accepted.</param>
    /// <returns>The score: 0, 1, 2, 3 for 0, 1, 3, 7 votes; 4 for 10 votes and accepted; −1 for −2 votes.</returns>
    public static int Score(int upvotes, bool accepted)
    {
        if (upvotes < 0)
        {
            return -1;
        }

        return (int)Math.Round(Math.Log2(1.0 + upvotes)) + (accepted ? 1 : 0);
    }

    /// <summary>
    /// The preference pairs of many questions. For each question, the candidate pairs are the answers (i, j), i &lt; j,
    /// with different scores, in that order; when there are more than <paramref name="maxPairsPerQuestion"/>, that many
    /// are drawn without replacement by a generator seeded with <paramref name="seed"/> (one generator for all
    /// questions, in order) and kept in candidate order. Pairs with equal scores are skipped; a question with fewer
    /// than two answers gives none. The prompt of each pair is the question's text.
    /// </summary>
    /// <param name="questions">The questions.</param>
    /// <param name="seed">The seed of the random choice.</param>
    /// <param name="maxPairsPerQuestion">The most pairs kept per question, at least 1. The default value is 10.</param>
    /// <returns>The pairs, question after question.</returns>
    public static IReadOnlyList<PreferencePair> ToPairs(IEnumerable<StackExchangeQuestion> questions, ulong seed, int maxPairsPerQuestion = DefaultMaxPairsPerQuestion)
    {
        ArgumentNullException.ThrowIfNull(questions);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxPairsPerQuestion, 1);
        var random = new RandomGenerator(seed);
        var pairs = new List<PreferencePair>();
        var candidates = new List<(int Better, int Worse)>();
        foreach (var question in questions)
        {
            ArgumentNullException.ThrowIfNull(question, nameof(questions));
            var answers = question.Answers;
            var scores = answers.Select(a => Score(a.Upvotes, a.Accepted)).ToArray();
            candidates.Clear();
            for (var i = 0; i < answers.Count; i++)
            {
                for (var j = i + 1; j < answers.Count; j++)
                {
                    if (scores[i] != scores[j])
                    {
                        candidates.Add(scores[i] > scores[j] ? (i, j) : (j, i));
                    }
                }
            }

            foreach (var index in Choose(candidates.Count, maxPairsPerQuestion, random))
            {
                var (better, worse) = candidates[index];
                pairs.Add(new PreferencePair(question.Question, answers[better].Text, answers[worse].Text));
            }
        }

        return pairs;
    }

    /// <summary>All of 0 … count − 1, or <paramref name="limit"/> of them drawn at random, ascending.</summary>
    private static int[] Choose(int count, int limit, RandomGenerator random)
    {
        var indices = Enumerable.Range(0, count).ToArray();
        if (count <= limit)
        {
            return indices;
        }

        // A partial Fisher–Yates shuffle: the first `limit` slots end up a uniform sample.
        for (var i = 0; i < limit; i++)
        {
            var j = i + random.NextInt(count - i);
            (indices[i], indices[j]) = (indices[j], indices[i]);
        }

        var chosen = indices.AsSpan(0, limit).ToArray();
        Array.Sort(chosen);
        return chosen;
    }
}
