using Alignment.Kernels;
using Alignment.Tests.Kernels.Reference;
using static Alignment.Tests.Kernels.Reference.KernelAssert;

namespace Alignment.Tests.Kernels;

public sealed class LogSoftmaxKernelTests
{
    public static TheoryData<int, int> Sizes => SoftmaxKernelTests.Sizes;

    [Theory]
    [MemberData(nameof(Sizes))]
    public void LogSoftmaxForward_AwkwardSizes_MatchesReference(int rows, int cols)
    {
        float[] x = TestData.Normal(new Random((rows * 1000) + cols), rows * cols, 3);
        var y = new float[x.Length];

        SoftmaxKernels.LogSoftmaxForward(x, y, rows, cols);

        Close(NaiveSoftmax.LogSoftmax(TestData.ToDouble(x), rows, cols), y, ForwardTolerance, "y");
    }

    [Theory]
    [MemberData(nameof(Sizes))]
    public void LogSoftmaxBackward_AwkwardSizes_MatchesReferenceAndAccumulates(int rows, int cols)
    {
        var rng = new Random((rows * 1000) + cols + 1);
        float[] x = TestData.Normal(rng, rows * cols, 3);
        AssertBackward(x, TestData.Normal(rng, x.Length), TestData.Normal(rng, x.Length), rows, cols);
    }

    [Fact]
    public void LogSoftmaxForward_ExtremeValues_StableAndAllNegInfRowIsNegInf()
    {
        const int cols = 37;
        float[] x = ExtremeRows.Create(cols, 6);
        var y = new float[x.Length];

        SoftmaxKernels.LogSoftmaxForward(x, y, ExtremeRows.Rows, cols);

        Assert.All(y.AsSpan(cols, cols).ToArray(), v => Assert.Equal(float.NegativeInfinity, v));
        Assert.DoesNotContain(y, float.IsNaN);
        Close(NaiveSoftmax.LogSoftmax(TestData.ToDouble(x), ExtremeRows.Rows, cols), y, ForwardTolerance, "y");
    }

    [Fact]
    public void LogSoftmaxBackward_ExtremeValues_MatchesReference()
    {
        const int cols = 37;
        var rng = new Random(7);
        float[] x = ExtremeRows.Create(cols, 7);
        AssertBackward(x, TestData.Normal(rng, x.Length), TestData.Normal(rng, x.Length), ExtremeRows.Rows, cols);
    }

    [Fact]
    public void LogSoftmaxBackward_Reference_MatchesFiniteDifferences()
    {
        const int rows = 3, cols = 11;
        var rng = new Random(8);
        double[] x = TestData.ToDouble(TestData.Normal(rng, rows * cols, 2));
        double[] w = TestData.ToDouble(TestData.Normal(rng, rows * cols));
        double Loss(double[] v) => TestData.Weighted(NaiveSoftmax.LogSoftmax(v, rows, cols), w);
        double[] analytic = NaiveSoftmax.LogSoftmaxBackward(NaiveSoftmax.LogSoftmax(x, rows, cols), w, rows, cols);

        FiniteDifference.Check(Loss, x, analytic, "dx");

        var y = new float[x.Length];
        var dx = new float[x.Length];
        SoftmaxKernels.LogSoftmaxForward(TestData.ToFloat(x), y, rows, cols);
        SoftmaxKernels.LogSoftmaxBackward(y, TestData.ToFloat(w), dx, rows, cols);
        Close(FiniteDifference.Gradient(Loss, x), dx, BackwardTolerance, "kernel dx");
    }

    private static void AssertBackward(float[] x, float[] dy, float[] prior, int rows, int cols)
    {
        var y = new float[x.Length];
        SoftmaxKernels.LogSoftmaxForward(x, y, rows, cols);
        float[] dx = (float[])prior.Clone();

        SoftmaxKernels.LogSoftmaxBackward(y, dy, dx, rows, cols);

        double[] yd = NaiveSoftmax.LogSoftmax(TestData.ToDouble(x), rows, cols);
        double[] grad = NaiveSoftmax.LogSoftmaxBackward(yd, TestData.ToDouble(dy), rows, cols);
        Close(TestData.Add(prior, grad), dx, BackwardTolerance, "dx");
    }
}
