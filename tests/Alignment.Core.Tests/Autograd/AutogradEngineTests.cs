namespace Alignment.Tests.Autograd;

public class AutogradEngineTests
{
    [Fact]
    public void Backward_Accumulates_AcrossCalls()
    {
        var x = Tensor.FromArray([1f, 2f]);
        x.RequiresGrad = true;
        (x * x).Sum().Backward();
        (x * 3f).Sum().Backward();
        Assert.Equal([5f, 7f], x.Grad!.ToArray());
    }

    [Fact]
    public void Backward_SharedSubexpression_SumsBothPaths()
    {
        var x = Tensor.FromArray([3f]);
        x.RequiresGrad = true;
        var y = x * x;
        (y + y * x).Sum().Backward(); // d/dx (x² + x³) = 2x + 3x² = 33
        Assert.Equal(33f, x.Grad!.Item(), 4);
    }

    [Fact]
    public void Backward_DeepChain_DoesNotOverflowStack()
    {
        var x = Tensor.FromArray([1f]);
        x.RequiresGrad = true;
        var y = x;
        for (var i = 0; i < 50_000; i++)
        {
            y = y + 0f;
        }

        y.Sum().Backward();
        Assert.Equal(1f, x.Grad!.Item());
    }

    [Fact]
    public void NoGrad_DoesNotRecord_AndDetachCutsGraph()
    {
        var x = Tensor.FromArray([1f]);
        x.RequiresGrad = true;
        using (Tensor.NoGrad())
        {
            Assert.False((x * 2f).RequiresGrad);
        }

        Assert.True((x * 2f).RequiresGrad);
        Assert.False((x * 2f).Detach().RequiresGrad);
        Assert.Throws<InvalidOperationException>(() => (x * 2f).Detach().Sum().Backward());
    }

    [Fact]
    public void Backward_Twice_WithoutRetainGraph_Throws()
    {
        var x = Tensor.FromArray([1f]);
        x.RequiresGrad = true;
        var y = (x * 2f).Sum();
        y.Backward();
        Assert.Throws<InvalidOperationException>(() => y.Backward());
        var z = (x * 2f).Sum();
        z.Backward(retainGraph: true);
        z.Backward();
        Assert.Equal(6f, x.Grad!.Item());
    }

    [Fact]
    public void RequiresGrad_OnNonLeaf_CannotBeSet()
    {
        var x = Tensor.FromArray([1f]);
        x.RequiresGrad = true;
        Assert.Throws<InvalidOperationException>(() => (x * 2f).RequiresGrad = false);
    }
}
