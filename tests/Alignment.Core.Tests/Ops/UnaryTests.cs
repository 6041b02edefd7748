using Alignment.Tests.Testing;

namespace Alignment.Tests.Ops;

public class UnaryTests
{
    public static TheoryData<string> Ops => new() { "neg", "exp", "log", "sqrt", "abs", "tanh", "sigmoid", "logsigmoid", "relu", "clamp", "square" };

    [Theory]
    [MemberData(nameof(Ops))]
    public void Unary_GradientsMatchFiniteDifferences(string op)
    {
        var input = op is "log" or "sqrt" ? GradCheck.Positive(1, 3, 5) : Shifted(GradCheck.Random(2, 3, 5));
        GradCheck.Check(x => Apply(op, x[0]), [input]);
    }

    [Fact]
    public void LogSigmoid_ExtremeInputs_StaysFinite()
    {
        var y = Tensor.LogSigmoid(Tensor.FromArray([-1000f, -50f, 0f, 50f, 1000f])).ToArray();
        Assert.Equal(-1000f, y[0], 3);
        Assert.Equal(-50f, y[1], 3);
        Assert.Equal(-MathF.Log(2f), y[2], 6);
        Assert.Equal(0f, y[3], 6);
        Assert.Equal(0f, y[4], 6);
    }

    [Fact]
    public void Clamp_ReversedBounds_Throws() =>
        Assert.Throws<ArgumentException>(() => Tensor.Clamp(Tensor.Zeros(2), 1f, 0f));

    // Moves values away from the kinks of abs, relu and clamp so finite differences are meaningful.
    private static Tensor Shifted(Tensor t)
    {
        var v = t.ToArray();
        for (var i = 0; i < v.Length; i++)
        {
            if (MathF.Abs(v[i]) < 0.1f)
            {
                v[i] += 0.3f;
            }

            if (MathF.Abs(MathF.Abs(v[i]) - 0.5f) < 0.05f)
            {
                v[i] += 0.15f;
            }
        }

        return Tensor.FromArray(v, t.Shape.ToArray());
    }

    private static Tensor Apply(string op, Tensor x) => op switch
    {
        "neg" => -x,
        "exp" => Tensor.Exp(x),
        "log" => Tensor.Log(x),
        "sqrt" => Tensor.Sqrt(x),
        "abs" => Tensor.Abs(x),
        "tanh" => Tensor.Tanh(x),
        "sigmoid" => Tensor.Sigmoid(x),
        "logsigmoid" => Tensor.LogSigmoid(x),
        "relu" => Tensor.Relu(x),
        "clamp" => Tensor.Clamp(x, -0.5f, 0.5f),
        "square" => Tensor.Square(x),
        _ => throw new ArgumentException(op),
    };
}
