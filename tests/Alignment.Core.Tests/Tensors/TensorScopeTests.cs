using Alignment.Tests.Testing;

namespace Alignment.Tests.Tensors;

[Collection(PoolCounting.Name)]
public class TensorScopeTests
{
    [Fact]
    public void Scope_ReleasesTensors_AndMoveToOuterScopeKeepsThem()
    {
        Tensor inner;
        Tensor kept;
        using (TensorScope.Begin())
        {
            inner = Tensor.Ones(3);
            kept = (Tensor.Ones(3) * 2f).MoveToOuterScope();
        }

        Assert.Throws<ObjectDisposedException>(() => inner.ToArray());
        Assert.Equal([2f, 2f, 2f], kept.ToArray());
    }

    [Fact]
    public void DetachFromScope_KeepsTheStorageBeyondTheScope()
    {
        Tensor kept;
        Tensor dropped;
        using (TensorScope.Begin())
        {
            kept = Tensor.Full(3f, 2).DetachFromScope();
            dropped = Tensor.Full(3f, 2);
        }

        Assert.Equal([3f, 3f], kept.ToArray());
        Assert.Throws<ObjectDisposedException>(() => dropped.ToArray());
    }

    [Fact]
    public void RepeatedSteps_ReachSteadyState_WithoutNewStorage()
    {
        var w = Tensor.RandomNormal(new RandomGenerator(1), 0f, 1f, 16, 8);
        w.RequiresGrad = true;
        void Step()
        {
            using var scope = TensorScope.Begin();
            var x = Tensor.RandomNormal(new RandomGenerator(2), 0f, 1f, 4, 16);
            var h = Tensor.Tanh(x.Reshape(4, 16, 1) * w.Unsqueeze(0));
            Tensor.Square(h.Sum(1)).Mean().Backward();
        }

        Step();
        Step();
        var before = TensorPool.Allocations;
        for (var i = 0; i < 5; i++)
        {
            Step();
        }

        Assert.Equal(before, TensorPool.Allocations);
    }
}
