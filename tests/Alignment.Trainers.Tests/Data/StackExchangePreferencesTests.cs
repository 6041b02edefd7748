using Alignment.Trainers.Data;

namespace Alignment.Trainers.Tests.Data;

public class StackExchangePreferencesTests
{
    [Theory]
    [InlineData(0, false, 0)]
    [InlineData(1, false, 1)]
    [InlineData(3, false, 2)]
    [InlineData(7, false, 3)]
    [InlineData(10, true, 4)]
    [InlineData(10, false, 3)]
    [InlineData(-2, false, -1)]
    [InlineData(-2, true, -1)]
    [InlineData(0, true, 1)]
    public void Score_Votes_ReturnsRoundedLog2PlusAccepted(int upvotes, bool accepted, int expected) =>
        Assert.Equal(expected, StackExchangePreferences.Score(upvotes, accepted));

    [Fact]
    public void ToPairs_EqualScores_AreSkippedAndHigherScoreIsChosen()
    {
        // Scores: a = 0, b = 0, c = 2, d = −1.
        var question = new StackExchangeQuestion("q", [new("a", 0), new("b", 0), new("c", 3), new("d", -5)]);
        var pairs = StackExchangePreferences.ToPairs([question], seed: 1);
        Assert.Equal([("c", "a"), ("a", "d"), ("c", "b"), ("b", "d"), ("c", "d")], pairs.Select(p => (p.Chosen, p.Rejected)));
        Assert.All(pairs, p => Assert.Equal("q", p.Prompt));
    }

    [Fact]
    public void ToPairs_FifteenCandidates_KeepsTenSeededDistinctPairs()
    {
        // Six answers with distinct scores give 15 candidate pairs.
        var question = new StackExchangeQuestion("q", [.. new[] { 0, 1, 3, 7, 15, 31 }.Select(v => new StackExchangeAnswer("v" + v, v))]);
        var first = StackExchangePreferences.ToPairs([question], seed: 7);
        var again = StackExchangePreferences.ToPairs([question], seed: 7);
        Assert.Equal(10, first.Count);
        Assert.Equal(10, first.Distinct().Count());
        Assert.Equal(first, again);
        Assert.All(first, p => Assert.True(int.Parse(p.Chosen[1..]) > int.Parse(p.Rejected[1..])));
        var others = Enumerable.Range(8, 10).Select(s => StackExchangePreferences.ToPairs([question], (ulong)s));
        Assert.Contains(others, o => !o.SequenceEqual(first));
    }

    [Fact]
    public void ToPairs_MaxPairsPerQuestion_IsApplied()
    {
        var question = new StackExchangeQuestion("q", [new("a", 0), new("b", 1), new("c", 3)]);
        Assert.Equal(2, StackExchangePreferences.ToPairs([question], 0, maxPairsPerQuestion: 2).Count);
        Assert.Empty(StackExchangePreferences.ToPairs([new StackExchangeQuestion("q", [new("a", 4)])], 0));
    }
}
