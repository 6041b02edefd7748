using Alignment.Kernels;
using Alignment.Tests.Kernels.Reference;
using static Alignment.Tests.Kernels.Reference.KernelAssert;

namespace Alignment.Tests.Kernels;

public sealed class SoftmaxKernelTests
{
    public static TheoryData<int, int> Sizes => new() { { 1, 1 }, { 1, 7 }, { 7, 33 }, { 33, 129 }, { 3, 1000 }, { 129, 300 } };

    [Theory]
    [MemberData(nameof(Sizes))]
    public void SoftmaxForward_AwkwardSizes_MatchesReference(int rows, int cols)
    {
        float[] x = TestData.Normal(new Random((rows * 1000) + cols), rows * cols, 3);
        var y = new float[x.Length];

        SoftmaxKernels.SoftmaxForward(x, y, rows, cols);

        Close(NaiveSoftmax.Softmax(TestData.ToDouble(x), rows, cols), y, ForwardTolerance, "y");
    }

    [Theory]
    [MemberData(nameof(Sizes))]
    public void SoftmaxBackward_AwkwardSizes_MatchesReferenceAndAccumulates(int rows, int cols)
    {
        var rng = new Random((rows * 1000) + cols + 1);
        float[] x = TestData.Normal(rng, rows * cols, 3);
        float[] dy = TestData.Normal(rng, rows * cols);
        float[] prior = TestData.Normal(rng, rows * cols);
        AssertBackward(x, dy, prior, rows, cols);
    }

    [Fact]
    public void SoftmaxForward_ExtremeValues_StableAndAllNegInfRowIsZero()
    {
        const int cols = 37;
        float[] x = ExtremeRows.Create(cols, 3);
        var y = new float[x.Length];

        SoftmaxKernels.SoftmaxForward(x, y, ExtremeRows.Rows, cols);

        Finite(y, "y");
        Assert.All(y.AsSpan(cols, cols).ToArray(), v => Assert.Equal(0f, v));
        Close(NaiveSoftmax.Softmax(TestData.ToDouble(x), ExtremeRows.Rows, cols), y, ForwardTolerance, "y");
    }

    [Fact]
    public void SoftmaxBackward_ExtremeValues_MatchesReference()
    {
        const int cols = 37;
        var rng = new Random(4);
        float[] x = ExtremeRows.Create(cols, 4);
        AssertBackward(x, TestData.Normal(rng, x.Length), TestData.Normal(rng, x.Length), ExtremeRows.Rows, cols);
    }

    [Fact]
    public void SoftmaxBackward_Reference_MatchesFiniteDifferences()
    {
        const int rows = 3, cols = 11;
        var rng = new Random(5);
        double[] x = TestData.ToDouble(TestData.Normal(rng, rows * cols, 2));
        double[] w = TestData.ToDouble(TestData.Normal(rng, rows * cols));
        double[] analytic = NaiveSoftmax.SoftmaxBackward(NaiveSoftmax.Softmax(x, rows, cols), w, rows, cols);

        FiniteDifference.Check(v => TestData.Weighted(NaiveSoftmax.Softmax(v, rows, cols), w), x, analytic, "dx");

        var y = new float[x.Length];
        var dx = new float[x.Length];
        SoftmaxKernels.SoftmaxForward(TestData.ToFloat(x), y, rows, cols);
        SoftmaxKernels.SoftmaxBackward(y, TestData.ToFloat(w), dx, rows, cols);
        Close(FiniteDifference.Gradient(v => TestData.Weighted(NaiveSoftmax.Softmax(v, rows, cols), w), x), dx, BackwardTolerance, "kernel dx");
    }

    [Fact]
    public void SoftmaxForward_WrongLength_Throws()
    {
        Assert.Throws<ArgumentException>(() => SoftmaxKernels.SoftmaxForward(new float[6], new float[5], 2, 3));
        Assert.Throws<ArgumentOutOfRangeException>(() => SoftmaxKernels.SoftmaxForward(new float[6], new float[6], -2, -3));
    }

    private static void AssertBackward(float[] x, float[] dy, float[] prior, int rows, int cols)
    {
        var y = new float[x.Length];
        SoftmaxKernels.SoftmaxForward(x, y, rows, cols);
        float[] dx = (float[])prior.Clone();

        SoftmaxKernels.SoftmaxBackward(y, dy, dx, rows, cols);

        double[] yd = NaiveSoftmax.Softmax(TestData.ToDouble(x), rows, cols);
        double[] grad = NaiveSoftmax.SoftmaxBackward(yd, TestData.ToDouble(dy), rows, cols);
        Close(TestData.Add(prior, grad), dx, BackwardTolerance, "dx");
    }
}
