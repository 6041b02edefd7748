using Alignment.NN;

namespace Alignment.Tests.Autograd;

/// <summary>
/// ZeroGrad marks gradients as zero without filling them; readers see zeros, the next backward pass's first
/// contribution overwrites them and later ones add.
/// </summary>
public sealed class LazyZeroGradTests
{
    [Fact]
    public void ZeroGrad_ThenRead_SeesZeros()
    {
        var layer = new Linear(3, 2, random: new RandomGenerator(1));
        Loss(layer, 1).Backward();
        layer.ZeroGrad();
        foreach (var (_, p) in layer.NamedParameters())
        {
            Assert.All(p.Grad!.ToArray(), v => Assert.Equal(0f, v));
        }
    }

    [Fact]
    public void ZeroGrad_ThenBackward_EqualsAFreshBackward_AndASecondBackwardAccumulates()
    {
        var layer = new Linear(5, 4, random: new RandomGenerator(2));
        Loss(layer, 3).Backward();
        var fresh = Grads(layer);
        Loss(layer, 4).Backward(); // accumulates onto the first gradients
        layer.ZeroGrad();
        Loss(layer, 3).Backward();
        var afterZero = Grads(layer);
        for (var i = 0; i < fresh.Length; i++)
        {
            Assert.Equal(fresh[i], afterZero[i]);
        }

        Loss(layer, 3).Backward();
        var twice = Grads(layer);
        for (var i = 0; i < fresh.Length; i++)
        {
            for (var j = 0; j < fresh[i].Length; j++)
            {
                Assert.Equal(2 * fresh[i][j], twice[i][j], 5);
            }
        }
    }

    [Fact]
    public void ZeroGrad_ParameterUnusedByTheNextPass_StaysZero()
    {
        var used = new Linear(3, 3, random: new RandomGenerator(5));
        var unused = new Linear(3, 3, random: new RandomGenerator(6));
        Loss(unused, 1).Backward();
        unused.ZeroGrad();
        Loss(used, 1).Backward();
        Assert.All(unused.Weight.Grad!.ToArray(), v => Assert.Equal(0f, v));
    }

    private static Tensor Loss(Linear layer, ulong seed)
    {
        var x = Tensor.RandomNormal(new RandomGenerator(seed), 0f, 1f, 6, layer.Weight.Size(1));
        return Tensor.Square(layer.Forward(x)).Sum();
    }

    private static float[][] Grads(Module module) => module.NamedParameters().Select(p => p.Parameter.Grad!.ToArray()).ToArray();
}
