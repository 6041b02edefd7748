using Alignment.Models.Generation;

namespace Alignment.Models.Tests.Generation;

/// <summary>The histogram selection of top-k sets and nuclei agrees with sorting everything.</summary>
public class TokenCandidatesTests
{
    [Theory]
    [InlineData(1)]
    [InlineData(7)]
    [InlineData(50)]
    [InlineData(999)]
    [InlineData(2000)]
    public void TopK_EqualsSortedPrefix_TiesByLowerId(int k)
    {
        var weights = Weights(2000, 5);
        var candidates = new TokenCandidates(weights.Length);

        var top = candidates.TopK(weights, k, sorted: true).ToArray().Select(TokenRanking.Id).ToArray();

        Assert.Equal(BruteForceOrder(weights).Take(k), top);
        var unsorted = candidates.TopK(weights, k, sorted: false).ToArray().Select(TokenRanking.Id).Order();
        Assert.Equal(top.Order(), unsorted);
    }

    [Theory]
    [InlineData(0.05)]
    [InlineData(0.3)]
    [InlineData(0.9)]
    [InlineData(0.999)]
    public void Nucleus_EqualsShortestSortedPrefixReachingTarget(double p)
    {
        var weights = Weights(3000, 11);
        var total = weights.Sum(w => (double)w);
        var candidates = new TokenCandidates(weights.Length);

        var kept = candidates.Nucleus(weights, p * total, out var mass).ToArray();

        var expected = new List<int>();
        double cumulative = 0;
        foreach (var id in BruteForceOrder(weights))
        {
            expected.Add(id);
            cumulative += weights[id];
            if (cumulative >= p * total)
            {
                break;
            }
        }

        Assert.Equal(expected.Order(), kept.Select(TokenRanking.Id).Order());
        Assert.Equal(cumulative, mass, 1e-9 * total);
    }

    [Fact]
    public void Nucleus_TinyTarget_KeepsOneToken()
    {
        float[] weights = [0.2f, 1f, 0.5f];
        var kept = new TokenCandidates(3).Nucleus(weights, 1e-9, out var mass);
        Assert.Equal(1, TokenRanking.Id(Assert.Single(kept.ToArray())));
        Assert.Equal(1.0, mass);
    }

    [Fact]
    public void RankingKeys_OrderByProbabilityThenId()
    {
        ulong[] keys = [TokenRanking.Key(0.5f, 3), TokenRanking.Key(1f, 9), TokenRanking.Key(0.5f, 1), TokenRanking.Key(0f, 0)];
        Array.Sort(keys);
        Assert.Equal([9, 1, 3, 0], keys.Select(TokenRanking.Id));
        Assert.Equal(0.5f, TokenRanking.Probability(keys[1]));
    }

    // Weights in (0, 1] with a maximum of 1 and many exact ties, like exp(logit − max) of quantised logits.
    private static float[] Weights(int count, ulong seed)
    {
        var random = new RandomGenerator(seed);
        var weights = Enumerable.Range(0, count).Select(_ => MathF.Exp(-MathF.Round(random.NextSingle() * 40f) / 4f)).ToArray();
        weights[random.NextInt(count)] = 1f;
        return weights;
    }

    private static IEnumerable<int> BruteForceOrder(float[] weights) =>
        Enumerable.Range(0, weights.Length).OrderByDescending(i => weights[i]).ThenBy(i => i);
}
