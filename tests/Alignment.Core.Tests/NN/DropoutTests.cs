using Alignment.NN;

namespace Alignment.Tests.NN;

public class DropoutTests
{
    [Fact]
    public void Eval_ReturnsInputUnchanged()
    {
        var dropout = new Dropout(0.5f, new RandomGenerator(1));
        var x = Tensor.Ones(100);
        dropout.Eval();

        Assert.Same(x, dropout.Forward(x));
    }

    [Fact]
    public void Train_ZeroesSomeAndScalesTheRest()
    {
        var dropout = new Dropout(0.5f, new RandomGenerator(1));

        var y = dropout.Forward(Tensor.Ones(1000)).ToArray();

        Assert.All(y, v => Assert.True(v == 0f || v == 2f));
        Assert.InRange(y.Count(v => v == 0f), 400, 600);
    }

    [Fact]
    public void Constructor_DefaultsAndRange()
    {
        Assert.Equal(0.1f, new Dropout().P);
        Assert.Throws<ArgumentOutOfRangeException>(() => new Dropout(1f));
        Assert.Throws<ArgumentOutOfRangeException>(() => new Dropout(-0.1f));
    }
}
