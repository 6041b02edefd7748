using System.Runtime.Intrinsics;
using Alignment.Kernels;

namespace Alignment.Tests.Kernels;

public sealed class SimdExpTests
{
    [Fact]
    public void Exp_NormalRange_MatchesMathExpWithin2e7Relative()
    {
        double worst = 0;
        for (int i = 0; i < 200_000; i++)
        {
            float x = -87f + (175f * i / 200_000f);
            Vector256<float> e = SimdExp.Exp(Vector256.Create(x));
            double expected = Math.Exp(x);
            worst = Math.Max(worst, Math.Abs(e.GetElement(0) - expected) / expected);
        }

        Assert.True(worst < 2e-7, $"worst relative error {worst}");
    }

    [Fact]
    public void Exp_SpecialValues_SaturateAndPropagateNaN()
    {
        Vector256<float> e = SimdExp.Exp(Vector256.Create(
            float.NegativeInfinity, -1000f, -88f, 0f, 89f, 1000f, float.PositiveInfinity, float.NaN));

        Assert.Equal(0f, e.GetElement(0));
        Assert.Equal(0f, e.GetElement(1));
        Assert.Equal(0f, e.GetElement(2));
        Assert.Equal(1f, e.GetElement(3));
        Assert.Equal(float.PositiveInfinity, e.GetElement(4));
        Assert.Equal(float.PositiveInfinity, e.GetElement(5));
        Assert.Equal(float.PositiveInfinity, e.GetElement(6));
        Assert.True(float.IsNaN(e.GetElement(7)));
    }
}
