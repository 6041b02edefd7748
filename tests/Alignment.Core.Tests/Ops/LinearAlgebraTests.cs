using Alignment.Tests.Testing;

namespace Alignment.Tests.Ops;

public class LinearAlgebraTests
{
    [Fact]
    public void MatMul_2D_MatchesHandComputed()
    {
        var a = Tensor.FromArray([1, 2, 3, 4, 5, 6], 2, 3);
        var b = Tensor.FromArray([7, 8, 9, 10, 11, 12], 3, 2);
        Assert.Equal([58, 64, 139, 154], Tensor.MatMul(a, b).ToArray());
    }

    [Fact]
    public void MatMul_InnerMismatch_Throws() =>
        Assert.Throws<ArgumentException>(() => Tensor.MatMul(Tensor.Zeros(2, 3), Tensor.Zeros(2, 3)));

    [Fact]
    public void Linear_MatchesMatMulWithTransposedWeightPlusBias()
    {
        var x = GradCheck.Random(1, 2, 3, 4);
        var w = GradCheck.Random(2, 5, 4);
        var b = GradCheck.Random(3, 5);
        var expected = (Tensor.MatMul(x, w.Transpose(0, 1)) + b).ToArray();
        var actual = Tensor.Linear(x, w, b).ToArray();
        for (var i = 0; i < expected.Length; i++)
        {
            Assert.Equal(expected[i], actual[i], 4);
        }
    }

    [Fact]
    public void MatMulAndLinear_GradientsMatchFiniteDifferences()
    {
        GradCheck.Check(x => Tensor.MatMul(x[0], x[1]), [GradCheck.Random(1, 3, 4), GradCheck.Random(2, 4, 2)]);
        GradCheck.Check(x => Tensor.MatMul(x[0], x[1]), [GradCheck.Random(3, 2, 3, 4), GradCheck.Random(4, 4, 5)]);
        GradCheck.Check(x => Tensor.MatMul(x[0], x[1]), [GradCheck.Random(5, 2, 3, 4), GradCheck.Random(6, 2, 4, 2)]);
        GradCheck.Check(x => Tensor.MatMul(x[0], x[1]), [GradCheck.Random(7, 2, 1, 3, 4), GradCheck.Random(8, 3, 4, 2)]);
        GradCheck.Check(x => Tensor.MatMul(x[0], x[1]), [GradCheck.Random(9, 4), GradCheck.Random(10, 4, 3)]);
        GradCheck.Check(x => Tensor.Linear(x[0], x[1], x[2]), [GradCheck.Random(11, 2, 3, 4), GradCheck.Random(12, 5, 4), GradCheck.Random(13, 5)]);
        GradCheck.Check(x => Tensor.Linear(x[0], x[1]), [GradCheck.Random(14, 3, 4), GradCheck.Random(15, 2, 4)]);
        GradCheck.Check(x => Tensor.LinearInOut(x[0], x[1], x[2]), [GradCheck.Random(16, 3, 4), GradCheck.Random(17, 4, 2), GradCheck.Random(18, 2)]);
    }
}
