using Alignment.Kernels;
using Alignment.Tests.Kernels.Reference;
using static Alignment.Tests.Kernels.Reference.KernelAssert;

namespace Alignment.Tests.Kernels;

public sealed class LayerNormKernelTests
{
    private const float Eps = 1e-5f;

    public static TheoryData<int, int> Sizes => new() { { 1, 1 }, { 1, 7 }, { 7, 33 }, { 33, 129 }, { 129, 257 } };

    public static TheoryData<double, double> Extremes => new() { { 1000, 0 }, { 1, 100 }, { 1e-3, 0 }, { 0, 5 } };

    [Theory]
    [MemberData(nameof(Sizes))]
    public void Forward_AwkwardSizes_MatchesReference(int rows, int cols)
    {
        var rng = new Random((rows * 1000) + cols);
        AssertForward(TestData.Normal(rng, rows * cols, 2, 0.5), rng, rows, cols);
    }

    [Theory]
    [MemberData(nameof(Extremes))]
    public void Forward_ExtremeValues_MatchesReference(double scale, double offset)
    {
        const int rows = 9, cols = 67;
        var rng = new Random(17);
        AssertForward(TestData.Normal(rng, rows * cols, scale, offset), rng, rows, cols);
    }

    [Theory]
    [MemberData(nameof(Sizes))]
    public void Backward_AwkwardSizes_MatchesReferenceAndAccumulates(int rows, int cols)
    {
        var rng = new Random((rows * 1000) + cols + 1);
        AssertBackward(TestData.Normal(rng, rows * cols, 2, 0.5), rng, rows, cols);
    }

    [Theory]
    [MemberData(nameof(Extremes))]
    public void Backward_ExtremeValues_MatchesReference(double scale, double offset)
    {
        const int rows = 9, cols = 67;
        var rng = new Random(18);
        AssertBackward(TestData.Normal(rng, rows * cols, scale, offset), rng, rows, cols);
    }

    [Fact]
    public void Backward_ParallelSize_IsBitwiseDeterministic()
    {
        const int rows = 300, cols = 130;
        var rng = new Random(19);
        float[] x = TestData.Normal(rng, rows * cols);
        float[] dy = TestData.Normal(rng, rows * cols);
        float[] gamma = TestData.Normal(rng, cols);
        var (mean, rstd) = (new float[rows], new float[rows]);
        LayerNormKernels.Forward(x, gamma, new float[cols], new float[x.Length], mean, rstd, rows, cols, Eps);

        float[] first = Run();
        for (int i = 0; i < 5; i++)
        {
            Assert.Equal(first, Run());
        }

        float[] Run()
        {
            var dx = new float[x.Length];
            var dgamma = new float[cols];
            var dbeta = new float[cols];
            LayerNormKernels.Backward(dy, x, gamma, mean, rstd, dx, dgamma, dbeta, rows, cols);
            return [.. dx, .. dgamma, .. dbeta];
        }
    }

    [Fact]
    public void Backward_Reference_MatchesFiniteDifferences()
    {
        const int rows = 3, cols = 7;
        var rng = new Random(20);
        double[] x = TestData.ToDouble(TestData.Normal(rng, rows * cols, 2, 1));
        double[] gamma = TestData.ToDouble(TestData.Normal(rng, cols, 1, 1));
        double[] beta = TestData.ToDouble(TestData.Normal(rng, cols));
        double[] w = TestData.ToDouble(TestData.Normal(rng, rows * cols));
        double Loss(double[] xv, double[] g, double[] b) => TestData.Weighted(NaiveLayerNorm.Forward(xv, g, b, rows, cols, Eps).Y, w);
        (double[] dx, double[] dgamma, double[] dbeta) = NaiveLayerNorm.Backward(w, x, gamma, rows, cols, Eps);

        FiniteDifference.Check(v => Loss(v, gamma, beta), x, dx, "dx");
        FiniteDifference.Check(v => Loss(x, v, beta), gamma, dgamma, "dgamma");
        FiniteDifference.Check(v => Loss(x, gamma, v), beta, dbeta, "dbeta");

        float[] xf = TestData.ToFloat(x), gf = TestData.ToFloat(gamma);
        var (mean, rstd) = (new float[rows], new float[rows]);
        LayerNormKernels.Forward(xf, gf, TestData.ToFloat(beta), new float[xf.Length], mean, rstd, rows, cols, Eps);
        var (kdx, kdg, kdb) = (new float[xf.Length], new float[cols], new float[cols]);
        LayerNormKernels.Backward(TestData.ToFloat(w), xf, gf, mean, rstd, kdx, kdg, kdb, rows, cols);
        Close(FiniteDifference.Gradient(v => Loss(v, gamma, beta), x), kdx, BackwardTolerance, "kernel dx");
        Close(FiniteDifference.Gradient(v => Loss(x, v, beta), gamma), kdg, BackwardTolerance, "kernel dgamma");
        Close(FiniteDifference.Gradient(v => Loss(x, gamma, v), beta), kdb, BackwardTolerance, "kernel dbeta");
    }

    private static void AssertForward(float[] x, Random rng, int rows, int cols)
    {
        float[] gamma = TestData.Normal(rng, cols, 1, 1);
        float[] beta = TestData.Normal(rng, cols);
        var y = new float[x.Length];
        var (mean, rstd) = (new float[rows], new float[rows]);

        LayerNormKernels.Forward(x, gamma, beta, y, mean, rstd, rows, cols, Eps);

        var e = NaiveLayerNorm.Forward(TestData.ToDouble(x), TestData.ToDouble(gamma), TestData.ToDouble(beta), rows, cols, Eps);
        Close(e.Y, y, ForwardTolerance, "y");
        Close(e.Mean, mean, ForwardTolerance, "mean");
        Close(e.Rstd, rstd, ForwardTolerance, "rstd");
    }

    private static void AssertBackward(float[] x, Random rng, int rows, int cols)
    {
        float[] gamma = TestData.Normal(rng, cols, 1, 1);
        float[] dy = TestData.Normal(rng, rows * cols);
        float[] priorDx = TestData.Normal(rng, x.Length);
        float[] priorDgamma = TestData.Normal(rng, cols);
        float[] priorDbeta = TestData.Normal(rng, cols);
        var (mean, rstd) = (new float[rows], new float[rows]);
        LayerNormKernels.Forward(x, gamma, new float[cols], new float[x.Length], mean, rstd, rows, cols, Eps);
        float[] dx = (float[])priorDx.Clone(), dgamma = (float[])priorDgamma.Clone(), dbeta = (float[])priorDbeta.Clone();

        LayerNormKernels.Backward(dy, x, gamma, mean, rstd, dx, dgamma, dbeta, rows, cols);

        var e = NaiveLayerNorm.Backward(TestData.ToDouble(dy), TestData.ToDouble(x), TestData.ToDouble(gamma), rows, cols, Eps);
        Close(TestData.Add(priorDx, e.Dx), dx, BackwardTolerance, "dx");
        Close(TestData.Add(priorDgamma, e.Dgamma), dgamma, BackwardTolerance, "dgamma");
        Close(TestData.Add(priorDbeta, e.Dbeta), dbeta, BackwardTolerance, "dbeta");
    }
}
