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

    [Theory]
    [InlineData(2, 3, 0, 2)]
    [InlineData(19, 37, 0, 19)]
    [InlineData(19, 37, 3, 11)]
    [InlineData(40, 9, 1, 38)]
    public void Contiguous_OfATransposedMatrix_MatchesElementwiseCopy(int rows, int cols, int start, int length)
    {
        // Rows start..start+length of a [rows, cols] matrix, transposed: the fast path for transposed dense matrices.
        var values = Enumerable.Range(0, rows * cols).Select(i => (float)i).ToArray();
        var t = Tensor.FromArray(values, rows, cols).Narrow(0, start, length).Transpose(0, 1);
        var copy = t.Contiguous();

        Assert.True(copy.IsContiguous);
        Assert.Equal([cols, length], copy.Shape.ToArray());
        for (var c = 0; c < cols; c++)
        {
            for (var r = 0; r < length; r++)
            {
                Assert.Equal(values[((start + r) * cols) + c], copy[c, r]);
            }
        }
    }

    [Fact]
    public void Contiguous_OfATransposedColumnRange_MatchesElementwiseCopy()
    {
        // Columns 2..7 of a [9, 11] matrix, transposed: not a dense matrix, so the general strided copy.
        var values = Enumerable.Range(0, 99).Select(i => (float)i).ToArray();
        var copy = Tensor.FromArray(values, 9, 11).Narrow(1, 2, 5).Transpose(0, 1).Contiguous();

        Assert.Equal([5, 9], copy.Shape.ToArray());
        for (var c = 0; c < 5; c++)
        {
            for (var r = 0; r < 9; r++)
            {
                Assert.Equal(values[(r * 11) + 2 + c], copy[c, r]);
            }
        }
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
        GradCheck.Check(x => x[0].Transpose(0, 1).Contiguous() * GradCheck.Random(11, 9, 3), [GradCheck.Random(12, 3, 9)]);
        GradCheck.Check(x => x[0].Permute(1, 2, 0).Reshape(3, 8), [GradCheck.Random(2, 2, 3, 4)]);
        GradCheck.Check(x => x[0].Slice(1, 1, 4, 2) * 2f, [GradCheck.Random(3, 2, 5, 2)]);
        GradCheck.Check(x => x[0].Transpose(0, 1).Slice(0, 1, 3), [GradCheck.Random(4, 3, 4)]);
        GradCheck.Check(x => x[0].Expand(3, 2, 4), [GradCheck.Random(5, 2, 1)]);
        GradCheck.Check(x => Tensor.Cat([x[0], x[1] * 2f], 1), [GradCheck.Random(6, 2, 3), GradCheck.Random(7, 2, 2)]);
        GradCheck.Check(x => Tensor.Stack([x[0], x[1]], 2), [GradCheck.Random(8, 2, 3), GradCheck.Random(9, 2, 3)]);
        GradCheck.Check(x => x[0].Unsqueeze(1).Squeeze(1).Split(2, 1)[1], [GradCheck.Random(10, 2, 5)]);
    }
}
