using Alignment.Optim;

namespace Alignment.Tests.Optim;

public class SgdTests
{
    [Theory]
    [InlineData(0.0, 0.0, false)]
    [InlineData(0.9, 0.0, false)]
    [InlineData(0.9, 0.01, false)]
    [InlineData(0.9, 0.01, true)]
    public void Sgd_ThreeSteps_MatchHandComputed(double momentum, double weightDecay, bool nesterov)
    {
        var random = new RandomGenerator(21);
        var p = AdamWTests.Parameter("p", 11);
        var p0 = p.Parameter.ToArray();
        var optimizer = new Sgd([p], 0.1, momentum, weightDecay, nesterov);
        var grads = new float[3][];

        for (var t = 0; t < 3; t++)
        {
            grads[t] = Reference.Values(random, 11);
            p.Parameter.Grad = Tensor.FromArray(grads[t]);
            optimizer.Step();
        }

        Reference.AssertClose(Reference.Sgd(p0, grads, 0.1, momentum, weightDecay, nesterov), p.Parameter.ToArray(), 1e-6);
    }

    [Fact]
    public void Sgd_StateRoundTrip_GivesBitEqualSteps()
    {
        var a = AdamWTests.Parameter("p", 5);
        var b = ("p", a.Parameter.Clone());
        b.Item2.RequiresGrad = true;
        var first = new Sgd([a], 0.1, momentum: 0.9);
        a.Parameter.Grad = Tensor.Ones(5);
        first.Step();
        b.Item2.CopyFrom(a.Parameter.ToArray());
        var second = new Sgd([b], 0.1, momentum: 0.9);
        second.LoadStateDict(first.StateDict());
        var g = Tensor.FromArray([0.5f, -1f, 2f, 0f, 3f]);
        a.Parameter.Grad = g;
        b.Item2.Grad = g;

        first.Step();
        second.Step();

        Assert.Equal(a.Parameter.ToArray(), b.Item2.ToArray());
    }

    [Fact]
    public void Sgd_InvalidArguments_Throw()
    {
        var p = AdamWTests.Parameter("p", 2);
        Assert.Throws<ArgumentOutOfRangeException>(() => new Sgd([p], -0.1));
        Assert.Throws<ArgumentOutOfRangeException>(() => new Sgd([p], 0.1, momentum: 1.5));
        Assert.Throws<ArgumentException>(() => new Sgd([p], 0.1, nesterov: true));
    }
}
