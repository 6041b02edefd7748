using Alignment.Optim;

namespace Alignment.Tests.Optim;

public class GradientClippingTests
{
    [Fact]
    public void ClipGradNorm_AboveMax_ScalesToMaxAndReturnsNormBefore()
    {
        var a = WithGrad([3f, 4f]);
        var b = WithGrad([12f]);
        var noGrad = Tensor.Zeros(3);

        var norm = GradientClipping.ClipGradNorm([a, b, noGrad], 6.5);

        Assert.Equal(13.0, norm, 6);
        var scale = (float)(6.5 / (13 + 1e-6));
        Assert.Equal([3f * scale, 4f * scale], a.Grad!.ToArray());
        Assert.Equal([12f * scale], b.Grad!.ToArray());
    }

    [Fact]
    public void ClipGradNorm_BelowMax_LeavesGradients()
    {
        var a = WithGrad([3f, 4f]);

        var norm = GradientClipping.ClipGradNorm([a], 10);

        Assert.Equal(5.0, norm, 6);
        Assert.Equal([3f, 4f], a.Grad!.ToArray());
    }

    [Fact]
    public void ClipGradNorm_LongVector_AccumulatesInDouble()
    {
        var a = WithGrad(Enumerable.Repeat(0.1f, 1003).ToArray());

        var norm = GradientClipping.ClipGradNorm([a], 1e9);

        Assert.Equal(Math.Sqrt(1003 * (double)0.1f * 0.1f), norm, 12);
    }

    [Theory]
    [InlineData(float.NaN)]
    [InlineData(float.PositiveInfinity)]
    public void ClipGradNorm_NonFiniteNorm_ReturnedWithoutScaling(float bad)
    {
        var a = WithGrad([1f, bad]);
        var b = WithGrad([100f]);

        var norm = GradientClipping.ClipGradNorm([a, b], 1);

        Assert.False(double.IsFinite(norm));
        Assert.Equal([100f], b.Grad!.ToArray());
    }

    private static Tensor WithGrad(float[] grad)
    {
        var p = Tensor.Zeros(grad.Length);
        p.RequiresGrad = true;
        p.Grad = Tensor.FromArray(grad);
        return p;
    }
}
