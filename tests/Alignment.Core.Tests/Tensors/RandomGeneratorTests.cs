namespace Alignment.Tests.Tensors;

public class RandomGeneratorTests
{
    [Fact]
    public void SameSeed_SameStream_AndStateRoundTrips()
    {
        var a = new RandomGenerator(42);
        var b = new RandomGenerator(42);
        for (var i = 0; i < 10; i++)
        {
            Assert.Equal(a.NextUInt64(), b.NextUInt64());
        }

        a.NextNormal();
        var state = a.GetState();
        var expected = Enumerable.Range(0, 5).Select(_ => a.NextNormal()).ToArray();
        var c = new RandomGenerator(0);
        c.SetState(state);
        Assert.Equal(expected, Enumerable.Range(0, 5).Select(_ => c.NextNormal()).ToArray());
    }

    [Fact]
    public void NextNormal_HasUnitMoments()
    {
        var r = new RandomGenerator(3);
        var xs = Enumerable.Range(0, 20000).Select(_ => (double)r.NextNormal()).ToArray();
        Assert.InRange(xs.Average(), -0.03, 0.03);
        Assert.InRange(xs.Select(x => x * x).Average(), 0.95, 1.05);
    }
}
