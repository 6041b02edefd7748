using Alignment.NN;

namespace Alignment.Tests.NN;

public class LinearTests
{
    [Fact]
    public void Constructor_InitialisesLikePyTorch_WithinOneOverSqrtIn()
    {
        var layer = new Linear(16, 32, random: new RandomGenerator(4));
        var bound = 1f / MathF.Sqrt(16);

        Assert.Equal([32, 16], layer.Weight.Shape.ToArray());
        Assert.Equal([32], layer.Bias!.Shape.ToArray());
        var w = layer.Weight.ToArray();
        Assert.All(w, v => Assert.InRange(v, -bound, bound));
        Assert.All(layer.Bias.ToArray(), v => Assert.InRange(v, -bound, bound));
        Assert.True(w.Max() > 0.8f * bound && w.Min() < -0.8f * bound);
        Assert.Equal(["weight", "bias"], layer.NamedParameters().Select(p => p.Name));
    }

    [Fact]
    public void WithNormalInit_HasGivenStdAndZeroBias()
    {
        var layer = Linear.WithNormalInit(64, 64, 0.02f, random: new RandomGenerator(5));
        var w = layer.Weight.ToArray();
        var std = Math.Sqrt(w.Select(v => (double)v * v).Average());

        Assert.InRange(std, 0.018, 0.022);
        Assert.All(layer.Bias!.ToArray(), v => Assert.Equal(0f, v));
    }

    [Fact]
    public void WithoutBias_HasOnlyWeight()
    {
        var layer = new Linear(3, 2, bias: false);

        Assert.Null(layer.Bias);
        Assert.Equal(["weight"], layer.NamedParameters().Select(p => p.Name));
    }

    [Fact]
    public void Forward_EqualsLinearOp()
    {
        var layer = new Linear(3, 2, random: new RandomGenerator(6));
        var x = Tensor.RandomNormal(new RandomGenerator(7), 0f, 1f, 4, 3);

        Assert.Equal(Tensor.Linear(x, layer.Weight, layer.Bias).ToArray(), layer.Forward(x).ToArray());
        Assert.Equal([4, 2], layer.Forward(x).Shape.ToArray());
    }

    [Fact]
    public void DefaultGenerator_GivesSuccessiveLayersDifferentWeights()
    {
        var a = new Linear(4, 4);
        var b = new Linear(4, 4);

        Assert.NotEqual(a.Weight.ToArray(), b.Weight.ToArray());
    }
}
