using Alignment.Kernels;
using Alignment.Tests.Kernels.Reference;
using static Alignment.Tests.Kernels.Reference.KernelAssert;

namespace Alignment.Tests.Kernels;

public sealed class LogSumExpKernelTests
{
    public static TheoryData<int, int> Sizes => SoftmaxKernelTests.Sizes;

    [Theory]
    [MemberData(nameof(Sizes))]
    public void LogSumExpForward_AwkwardSizes_MatchesReference(int rows, int cols)
    {
        float[] x = TestData.Normal(new Random((rows * 1000) + cols), rows * cols, 3);
        var lse = new float[rows];

        SoftmaxKernels.LogSumExpForward(x, lse, rows, cols);

        Close(NaiveSoftmax.LogSumExp(TestData.ToDouble(x), rows, cols), lse, ForwardTolerance, "lse");
    }

    [Theory]
    [MemberData(nameof(Sizes))]
    public void LogSumExpBackward_AwkwardSizes_MatchesReferenceAndAccumulates(int rows, int cols)
    {
        var rng = new Random((rows * 1000) + cols + 1);
        float[] x = TestData.Normal(rng, rows * cols, 3);
        AssertBackward(x, TestData.Normal(rng, rows), TestData.Normal(rng, x.Length), rows, cols);
    }

    [Fact]
    public void LogSumExpForward_ExtremeValues_StableAndAllNegInfRowIsNegInf()
    {
        const int cols = 37;
        float[] x = ExtremeRows.Create(cols, 9);
        var lse = new float[ExtremeRows.Rows];

        SoftmaxKernels.LogSumExpForward(x, lse, ExtremeRows.Rows, cols);

        Assert.Equal(float.NegativeInfinity, lse[1]);
        Close(NaiveSoftmax.LogSumExp(TestData.ToDouble(x), ExtremeRows.Rows, cols), lse, ForwardTolerance, "lse");
    }

    [Fact]
    public void LogSumExpBackward_ExtremeValues_AllNegInfRowGetsNothing()
    {
        const int cols = 37;
        var rng = new Random(10);
        float[] x = ExtremeRows.Create(cols, 10);
        AssertBackward(x, TestData.Normal(rng, ExtremeRows.Rows), TestData.Normal(rng, x.Length), ExtremeRows.Rows, cols);
    }

    [Fact]
    public void LogSumExpBackward_Reference_MatchesFiniteDifferences()
    {
        const int rows = 3, cols = 11;
        var rng = new Random(11);
        double[] x = TestData.ToDouble(TestData.Normal(rng, rows * cols, 2));
        double[] w = TestData.ToDouble(TestData.Normal(rng, rows));
        double Loss(double[] v) => TestData.Weighted(NaiveSoftmax.LogSumExp(v, rows, cols), w);

        FiniteDifference.Check(Loss, x, NaiveSoftmax.LogSumExpBackward(x, w, rows, cols), "dx");

        var lse = new float[rows];
        var dx = new float[x.Length];
        float[] xf = TestData.ToFloat(x);
        SoftmaxKernels.LogSumExpForward(xf, lse, rows, cols);
        SoftmaxKernels.LogSumExpBackward(xf, lse, TestData.ToFloat(w), dx, rows, cols);
        Close(FiniteDifference.Gradient(Loss, x), dx, BackwardTolerance, "kernel dx");
    }

    private static void AssertBackward(float[] x, float[] dlse, float[] prior, int rows, int cols)
    {
        var lse = new float[rows];
        SoftmaxKernels.LogSumExpForward(x, lse, rows, cols);
        float[] dx = (float[])prior.Clone();

        SoftmaxKernels.LogSumExpBackward(x, lse, dlse, dx, rows, cols);

        double[] grad = NaiveSoftmax.LogSumExpBackward(TestData.ToDouble(x), TestData.ToDouble(dlse), rows, cols);
        Close(TestData.Add(prior, grad), dx, BackwardTolerance, "dx");
    }
}
