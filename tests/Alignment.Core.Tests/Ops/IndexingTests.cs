using Alignment.Tests.Testing;

namespace Alignment.Tests.Ops;

public class IndexingTests
{
    [Fact]
    public void Gather_SelectsAlongDim()
    {
        var a = Tensor.FromArray([1, 2, 3, 4, 5, 6], 2, 3);
        var g = a.Gather(1, new IntTensor([2, 0, 1, 1], 2, 2));
        Assert.Equal([3, 1, 5, 5], g.ToArray());
        Assert.Throws<ArgumentOutOfRangeException>(() => a.Gather(1, new IntTensor([3], 1, 1)));
    }

    [Fact]
    public void MaskedFillAndWhere_SelectValues()
    {
        var a = Tensor.FromArray([1, 2, 3, 4], 2, 2);
        var mask = Tensor.FromArray([0, 1], 1, 2);
        Assert.Equal([1, -9, 3, -9], a.MaskedFill(mask, -9f).ToArray());
        var w = Tensor.Where(mask, a, Tensor.Scalar(0f));
        Assert.Equal([0, 2, 0, 4], w.ToArray());
    }

    [Fact]
    public void Indexing_GradientsMatchFiniteDifferences()
    {
        GradCheck.Check(x => x[0].Gather(1, new IntTensor([2, 0, 2, 1, 1, 0], 2, 3)), [GradCheck.Random(1, 2, 4)]);
        GradCheck.Check(x => x[0].Gather(0, new IntTensor([1, 0, 1], 1, 3)), [GradCheck.Random(2, 2, 3)]);
        GradCheck.Check(x => x[0].IndexSelect(0, new IntTensor([2, 0, 2], 3)), [GradCheck.Random(3, 3, 2)]);
        GradCheck.Check(x => x[0].MaskedFill(Tensor.FromArray([1, 0, 0], 3), 0f), [GradCheck.Random(4, 2, 3)]);
        GradCheck.Check(x => Tensor.Where(Tensor.FromArray([1, 0, 1], 3), x[0], x[1]), [GradCheck.Random(5, 2, 3), GradCheck.Random(6, 3)]);
    }

    [Fact]
    public void Dropout_SameSeed_SameMask_AndScalesKeptValues()
    {
        var x = Tensor.Ones(1000);
        var a = Tensor.Dropout(x, 0.25f, training: true, new RandomGenerator(5)).ToArray();
        var b = Tensor.Dropout(x, 0.25f, training: true, new RandomGenerator(5)).ToArray();
        Assert.Equal(a, b);
        Assert.All(a, v => Assert.True(v == 0f || Math.Abs(v - (1f / 0.75f)) < 1e-6));
        var dropped = a.Count(v => v == 0f);
        Assert.InRange(dropped, 200, 300);
        Assert.Same(x, Tensor.Dropout(x, 0.25f, training: false, new RandomGenerator(5)));
    }

    [Fact]
    public void Dropout_GradientMatchesFiniteDifferences_ForAFixedMask() =>
        // A fresh generator per call draws the same mask every time, so the op is a fixed function of x.
        GradCheck.Check(x => Tensor.Dropout(x[0], 0.3f, training: true, new RandomGenerator(9)), [GradCheck.Random(7, 4, 5)]);
}
