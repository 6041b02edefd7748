using Alignment.Models.Tokenization.Bpe;
using Alignment.Models.Tokenization.Loading;

namespace Alignment.Models.Tests.Tokenization;

public class BpeMergeTableTests
{
    [Fact]
    public void FindsEveryRuleAndNothingElse()
    {
        var vocabulary = TinyBpe.Vocabulary();
        var rules = TinyBpe.Merges.Select((m, i) => new MergeEntry(m.Left, m.Right, $"line {i + 1}", i + 1)).ToList();
        var table = BpeMergeTable.Build(rules, vocabulary, "merges.txt");
        Assert.Equal(rules.Count, table.Count);
        for (int rank = 0; rank < rules.Count; rank++)
        {
            Assert.True(table.TryGet(vocabulary[rules[rank].Left], vocabulary[rules[rank].Right], out BpeMerge merge));
            Assert.Equal(new BpeMerge(rank, vocabulary[rules[rank].Left + rules[rank].Right]), merge);
        }

        Assert.False(table.TryGet(vocabulary["t"], vocabulary["\u0120"], out _));
        Assert.False(table.TryGet(vocabulary["h"], vocabulary["h"], out _));
    }

    [Fact]
    public void ARepeatedRuleKeepsItsLastRank()
    {
        var vocabulary = TinyBpe.Vocabulary();
        MergeEntry[] rules = [new("h", "e", "line 1", 1), new("i", "n", "line 2", 2), new("h", "e", "line 3", 3)];
        var table = BpeMergeTable.Build(rules, vocabulary, "merges.txt");
        Assert.Equal(2, table.Count);
        Assert.True(table.TryGet(vocabulary["h"], vocabulary["e"], out BpeMerge merge));
        Assert.Equal(2, merge.Rank);
    }
}
