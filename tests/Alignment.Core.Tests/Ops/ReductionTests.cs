using Alignment.Tests.Testing;

namespace Alignment.Tests.Ops;

public class ReductionTests
{
    [Fact]
    public void Sum_OverDims_MatchesManual()
    {
        var a = Tensor.FromArray([1, 2, 3, 4, 5, 6], 2, 3);
        Assert.Equal([5, 7, 9], a.Sum(0).ToArray());
        Assert.Equal([6, 15], a.Sum(1).ToArray());
        Assert.Equal([2, 1], a.Sum(1, keepDim: true).Shape.ToArray());
        Assert.Equal(21f, a.Sum().Item());
        Assert.Equal(3.5f, a.Mean().Item());
    }

    [Fact]
    public void Var_UnbiasedAndBiased_MatchHandComputed()
    {
        var a = Tensor.FromArray([1, 2, 3, 4], 4);
        Assert.Equal(1.6666666f, a.Var().Item(), 5);
        Assert.Equal(1.25f, a.Var(unbiased: false).Item(), 5);
    }

    [Fact]
    public void Max_ReturnsFirstArgMax()
    {
        var a = Tensor.FromArray([1, 5, 5, 2, 0, -1], 2, 3);
        var (values, indices) = a.MaxWithIndices(1);
        Assert.Equal([5, 2], values.ToArray());
        Assert.Equal([1, 0], indices.Data);
    }

    [Fact]
    public void Reductions_GradientsMatchFiniteDifferences()
    {
        GradCheck.Check(x => x[0].Sum(1), [GradCheck.Random(1, 3, 4, 2)]);
        GradCheck.Check(x => x[0].Sum([0, 2], keepDim: true), [GradCheck.Random(2, 3, 4, 2)]);
        GradCheck.Check(x => x[0].Mean(-1), [GradCheck.Random(3, 3, 5)]);
        GradCheck.Check(x => x[0].Var(0), [GradCheck.Random(4, 4, 3)]);
        GradCheck.Check(x => x[0].Max(1), [GradCheck.Random(5, 3, 6)]);
        GradCheck.Check(x => x[0].Sum() * x[0].Mean(), [GradCheck.Random(6, 2, 2)]);
    }
}
