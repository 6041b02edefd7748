using Alignment.Kernels;
using Alignment.Tests.Kernels.Reference;
using static Alignment.Tests.Kernels.Reference.KernelAssert;

namespace Alignment.Tests.Kernels;

public sealed class GeluKernelTests
{
    private static readonly float[] ExtremeInputs =
        [-1000f, -100f, -10f, -5f, -3f, -1e-30f, -0f, 0f, 1e-30f, 1e-3f, 3f, 5f, 10f, 100f, 1000f, -0.5f, 0.5f, 2f, -2f];

    public static TheoryData<int> Sizes => new() { 1, 7, 33, 129, 40_000 };

    [Theory]
    [MemberData(nameof(Sizes))]
    public void Forward_AwkwardSizes_MatchesReference(int n)
    {
        float[] x = TestData.Normal(new Random(n), n, 3);
        var y = new float[n];

        GeluKernels.Forward(x, y);

        Close(NaiveGelu.Forward(TestData.ToDouble(x)), y, ForwardTolerance, "y");
    }

    [Theory]
    [MemberData(nameof(Sizes))]
    public void Backward_AwkwardSizes_MatchesReferenceAndAccumulates(int n)
    {
        var rng = new Random(n + 1);
        AssertBackward(TestData.Normal(rng, n, 3), rng);
    }

    [Fact]
    public void Forward_ExtremeValues_MatchesReference()
    {
        var y = new float[ExtremeInputs.Length];

        GeluKernels.Forward(ExtremeInputs, y);

        Close(NaiveGelu.Forward(TestData.ToDouble(ExtremeInputs)), y, ForwardTolerance, "y");
    }

    [Fact]
    public void Backward_ExtremeValues_MatchesReference() => AssertBackward(ExtremeInputs, new Random(21));

    [Fact]
    public void Backward_Reference_MatchesFiniteDifferences()
    {
        var rng = new Random(22);
        double[] x = TestData.ToDouble(TestData.Normal(rng, 19, 3));
        double[] w = TestData.ToDouble(TestData.Normal(rng, 19));
        double Loss(double[] v) => TestData.Weighted(NaiveGelu.Forward(v), w);

        FiniteDifference.Check(Loss, x, NaiveGelu.Backward(x, w), "dx");

        var dx = new float[x.Length];
        GeluKernels.Backward(TestData.ToFloat(x), TestData.ToFloat(w), dx);
        Close(FiniteDifference.Gradient(Loss, x), dx, BackwardTolerance, "kernel dx");
    }

    private static void AssertBackward(float[] x, Random rng)
    {
        float[] dy = TestData.Normal(rng, x.Length);
        float[] prior = TestData.Normal(rng, x.Length);
        float[] dx = (float[])prior.Clone();

        GeluKernels.Backward(x, dy, dx);

        Close(TestData.Add(prior, NaiveGelu.Backward(TestData.ToDouble(x), TestData.ToDouble(dy))), dx, BackwardTolerance, "dx");
    }
}
