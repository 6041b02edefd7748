using Alignment.Trainers.Data;

namespace Alignment.Trainers.Tests.Data;

public class RankedCompletionsTests
{
    private static readonly RankedCompletions ThreeRanked = new("p", ["c0", "c1", "c2"], [2, 1, 0]);

    [Fact]
    public void ToPairs_AllPairsOfRanking210_GivesOneOverZeroTwoOverZeroTwoOverOne()
    {
        var pairs = ThreeRanked.ToPairs(RankingExpansion.AllPairs);
        Assert.Equal([("c1", "c0"), ("c2", "c0"), ("c2", "c1")], pairs.Select(p => (p.Chosen, p.Rejected)));
        Assert.All(pairs, p => Assert.Equal("p", p.Prompt));
    }

    [Fact]
    public void ToPairs_BestVersusRestOfRanking210_GivesTwoPairsWithCompletionTwoChosen()
    {
        var pairs = ThreeRanked.ToPairs(RankingExpansion.BestVersusRest);
        Assert.Equal([("c2", "c0"), ("c2", "c1")], pairs.Select(p => (p.Chosen, p.Rejected)));
    }

    [Fact]
    public void ToPairs_AllPairsOfFour_GivesSixPairsEachWithTheBetterRankChosen()
    {
        var ranked = new RankedCompletions("p", ["a", "b", "c", "d"], [1, 3, 0, 2]);
        var rank = new Dictionary<string, int> { ["a"] = 1, ["b"] = 3, ["c"] = 0, ["d"] = 2 };
        var pairs = ranked.ToPairs(RankingExpansion.AllPairs);
        Assert.Equal(6, pairs.Count);
        Assert.All(pairs, p => Assert.True(rank[p.Chosen] < rank[p.Rejected]));
        Assert.Equal(3, ranked.ToPairs(RankingExpansion.BestVersusRest).Count(p => p.Chosen == "c"));
    }

    [Fact]
    public void Expand_ManyRankings_ConcatenatesTheirPairs()
    {
        var second = new RankedCompletions("q", ["x", "y"], [0, 1]);
        var pairs = RankedCompletions.Expand([ThreeRanked, second], RankingExpansion.AllPairs);
        Assert.Equal(4, pairs.Count);
        Assert.Equal(new PreferencePair("q", "x", "y"), pairs[3]);
    }

    [Fact]
    public void Constructor_RankingLengthDiffers_ThrowsNamingRanking()
    {
        var ex = Assert.Throws<ArgumentException>(() => new RankedCompletions("p", ["a", "b"], [0, 1, 2]));
        Assert.Equal("ranking", ex.ParamName);
    }

    [Fact]
    public void Constructor_DuplicateRanks_Throws() =>
        Assert.Contains("distinct", Assert.Throws<ArgumentException>(() => new RankedCompletions("p", ["a", "b"], [1, 1])).Message);

    [Fact]
    public void Constructor_OneCompletion_Throws() =>
        Assert.Throws<ArgumentException>(() => new RankedCompletions("p", ["a"], [0]));

    [Fact]
    public void Constructor_EmptyCompletion_Throws() =>
        Assert.Throws<ArgumentException>(() => new RankedCompletions("p", ["a", " "], [0, 1]));
}
