using Alignment.Tests.Testing;

namespace Alignment.Tests.Ops;

public class ShapeTests
{
    [Fact]
    public void Transpose_IsViewWithSwappedStrides()
    {
        var a = Tensor.FromArray([1, 2, 3, 4, 5, 6], 2, 3);
        var t = a.Transpose(0, 1);
        Assert.False(t.IsContiguous);
        Assert.Equal([3, 2], t.Shape.ToArray());
        Assert.Equal([1, 4, 2, 5, 3, 6], t.ToArray());
        Assert.Equal(6f, t[2, 1]);
    }

    [Fact]
    public void Reshape_InfersMinusOne_AndRejectsBadSizes()
    {
        var a = Tensor.Zeros(2, 3, 4);
        Assert.Equal([6, 4], a.Reshape(-1, 4).Shape.ToArray());
        Assert.Throws<ArgumentException>(() => a.Reshape(5, -1));
        Assert.Throws<ArgumentException>(() => a.Reshape(-1, -1));
    }

    [Fact]
    public void Slice_WithStep_SelectsElements()
    {
        var a = Tensor.Arange(10);
        Assert.Equal([1, 4, 7], a.Slice(0, 1, 9, 3).ToArray());
        Assert.Equal([8, 9], a.Slice(0, -2, 10).ToArray());
    }

    [Fact]
    public void Cat_AndStack_JoinAlongDimension()
    {
        var a = Tensor.FromArray([1, 2, 3, 4], 2, 2);
        var b = Tensor.FromArray([5, 6], 2, 1);
        Assert.Equal([1, 2, 5, 3, 4, 6], Tensor.Cat([a, b], 1).ToArray());
        var s = Tensor.Stack([a, a], 1);
        Assert.Equal([2, 2, 2], s.Shape.ToArray());
        Assert.Equal([1, 2, 1, 2, 3, 4, 3, 4], s.ToArray());
    }

    [Fact]
    public void ViewOps_GradientsMatchFiniteDifferences()
    {
        GradCheck.Check(x => x[0].Transpose(0, 2).Contiguous() * GradCheck.Random(3, 4, 3, 2), [GradCheck.Random(1, 2, 3, 4)]);
        GradCheck.Check(x => x[0].Permute(1, 2, 0).Reshape(3, 8), [GradCheck.Random(2, 2, 3, 4)]);
        GradCheck.Check(x => x[0].Slice(1, 1, 4, 2) * 2f, [GradCheck.Random(3, 2, 5, 2)]);
        GradCheck.Check(x => x[0].Transpose(0, 1).Slice(0, 1, 3), [GradCheck.Random(4, 3, 4)]);
        GradCheck.Check(x => x[0].Expand(3, 2, 4), [GradCheck.Random(5, 2, 1)]);
        GradCheck.Check(x => Tensor.Cat([x[0], x[1] * 2f], 1), [GradCheck.Random(6, 2, 3), GradCheck.Random(7, 2, 2)]);
        GradCheck.Check(x => Tensor.Stack([x[0], x[1]], 2), [GradCheck.Random(8, 2, 3), GradCheck.Random(9, 2, 3)]);
        GradCheck.Check(x => x[0].Unsqueeze(1).Squeeze(1).Split(2, 1)[1], [GradCheck.Random(10, 2, 5)]);
    }
}
