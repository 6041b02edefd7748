using Alignment.Tests.Testing;

namespace Alignment.Tests.Ops;

public class ArithmeticTests
{
    [Fact]
    public void Add_Broadcast_MatchesManual()
    {
        var a = Tensor.FromArray([1, 2, 3, 4, 5, 6], 2, 3);
        var b = Tensor.FromArray([10, 20, 30], 3);
        Assert.Equal([11, 22, 33, 14, 25, 36], (a + b).ToArray());
        var c = Tensor.FromArray([100, 200], 2, 1);
        Assert.Equal([101, 102, 103, 204, 205, 206], (a + c).ToArray());
        Assert.Equal([2, 3], (a + c).Shape.ToArray());
    }

    [Fact]
    public void Broadcast_IncompatibleShapes_ThrowsWithShapes()
    {
        var ex = Assert.Throws<ArgumentException>(() => Tensor.Zeros(2, 3) + Tensor.Zeros(4));
        Assert.Contains("[2, 3]", ex.Message);
        Assert.Contains("[4]", ex.Message);
    }

    [Fact]
    public void OuterBroadcast_ProducesOuterProductShape()
    {
        var a = Tensor.FromArray([1, 2], 2, 1);
        var b = Tensor.FromArray([1, 10, 100], 1, 3);
        Assert.Equal([1, 10, 100, 2, 20, 200], (a * b).ToArray());
    }

    public static TheoryData<string> BinaryOps => new() { "add", "sub", "mul", "div", "pow" };

    [Theory]
    [MemberData(nameof(BinaryOps))]
    public void Binary_SameShape_GradientsMatchFiniteDifferences(string op) =>
        GradCheck.Check(x => Apply(op, x[0], x[1]), [GradCheck.Positive(1, 3, 4), GradCheck.Positive(2, 3, 4)]);

    [Theory]
    [MemberData(nameof(BinaryOps))]
    public void Binary_Broadcast_GradientsMatchFiniteDifferences(string op)
    {
        GradCheck.Check(x => Apply(op, x[0], x[1]), [GradCheck.Positive(3, 2, 3, 4), GradCheck.Positive(4, 4)]);
        GradCheck.Check(x => Apply(op, x[0], x[1]), [GradCheck.Positive(5, 2, 1, 4), GradCheck.Positive(6, 3, 1)]);
        GradCheck.Check(x => Apply(op, x[0], x[1]), [GradCheck.Positive(7, 1), GradCheck.Positive(8, 2, 5)]);
    }

    [Fact]
    public void ScalarOps_GradientsMatchFiniteDifferences()
    {
        GradCheck.Check(x => (x[0] * 3f) + 2f - (1f - x[0]) / 4f, [GradCheck.Random(9, 2, 3)]);
        GradCheck.Check(x => Tensor.Pow(x[0], 2.5f), [GradCheck.Positive(10, 2, 3)]);
    }

    [Fact]
    public void MaximumMinimum_AwayFromTies_GradientsMatchFiniteDifferences()
    {
        // Values at least 0.2 apart so a step of 0.01 never crosses the kink.
        var a = Tensor.FromArray([0.1f, 1.5f, -0.7f, 2.0f, 0.9f, -1.2f], 2, 3);
        var b = Tensor.FromArray([0.6f, 0.2f, -0.2f, 1.1f, 1.6f, -2.0f], 2, 3);
        GradCheck.Check(x => Tensor.Maximum(x[0], x[1]), [a, b]);
        GradCheck.Check(x => Tensor.Minimum(x[0], x[1]), [a, b]);
        var row = Tensor.FromArray([0.4f, -0.5f, 1.3f], 3);
        GradCheck.Check(x => Tensor.Maximum(x[0], x[1]), [a, row]);
        GradCheck.Check(x => Tensor.Minimum(x[0], x[1]), [a, row]);
    }

    [Fact]
    public void Maximum_Ties_SplitGradientEvenly()
    {
        var a = Tensor.FromArray([1f, 2f], 2);
        var b = Tensor.FromArray([1f, 1f], 2);
        a.RequiresGrad = true;
        b.RequiresGrad = true;
        Tensor.Maximum(a, b).Sum().Backward();
        Assert.Equal([0.5f, 1f], a.Grad!.ToArray());
        Assert.Equal([0.5f, 0f], b.Grad!.ToArray());
    }

    private static Tensor Apply(string op, Tensor a, Tensor b) => op switch
    {
        "add" => a + b,
        "sub" => a - b,
        "mul" => a * b,
        "div" => a / b,
        "pow" => Tensor.Pow(a, b),
        _ => throw new ArgumentException(op),
    };
}
