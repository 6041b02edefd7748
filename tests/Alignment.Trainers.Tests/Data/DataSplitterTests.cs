using Alignment.Trainers.Data;

namespace Alignment.Trainers.Tests.Data;

public class DataSplitterTests
{
    [Fact]
    public void Split_TwentyPercentOfFifty_HoldsOutTenDisjointRecords()
    {
        var items = Enumerable.Range(0, 50).ToArray();
        var split = DataSplitter.Split(items, 0.2, seed: 3);
        Assert.Equal(10, split.Evaluation.Count);
        Assert.Equal(40, split.Train.Count);
        Assert.Equal(items, split.Train.Concat(split.Evaluation).Order());
    }

    [Fact]
    public void Split_SameSeed_SameSplit_OtherSeed_OtherSplit()
    {
        var items = Enumerable.Range(0, 50).ToArray();
        Assert.Equal(DataSplitter.Split(items, 0.2, 3).Evaluation, DataSplitter.Split(items, 0.2, 3).Evaluation);
        Assert.NotEqual(DataSplitter.Split(items, 0.2, 3).Evaluation, DataSplitter.Split(items, 0.2, 4).Evaluation);
    }

    [Fact]
    public void Shuffle_KeepsEveryRecordAndLeavesTheInputAlone()
    {
        var items = Enumerable.Range(0, 20).ToArray();
        var shuffled = DataSplitter.Shuffle(items, 5);
        Assert.NotEqual(items, shuffled);
        Assert.Equal(items, shuffled.Order());
        Assert.Equal(Enumerable.Range(0, 20), items);
    }

    [Theory]
    [InlineData(-0.1)]
    [InlineData(1.5)]
    [InlineData(double.NaN)]
    public void Split_FractionOutOfRange_Throws(double fraction) =>
        Assert.Throws<ArgumentOutOfRangeException>(() => DataSplitter.Split([1, 2, 3], fraction, 0));
}
