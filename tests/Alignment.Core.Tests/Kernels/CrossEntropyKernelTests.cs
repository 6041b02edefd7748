using Alignment.Kernels;
using Alignment.Tests.Kernels.Reference;
using static Alignment.Tests.Kernels.Reference.KernelAssert;

namespace Alignment.Tests.Kernels;

public sealed class CrossEntropyKernelTests
{
    private const int Ignore = -100;

    public static TheoryData<int, int> Sizes => new() { { 1, 1 }, { 1, 7 }, { 7, 33 }, { 33, 129 }, { 5, 1000 }, { 40, 1001 } };

    [Theory]
    [MemberData(nameof(Sizes))]
    public void Forward_AwkwardSizesWithIgnoreIndex_MatchesReference(int rows, int vocab)
    {
        var rng = new Random((rows * 1000) + vocab);
        float[] logits = TestData.Normal(rng, rows * vocab, 3);
        int[] targets = Targets(rng, rows, vocab);
        var losses = new float[rows];
        var lse = new float[rows];

        int count = CrossEntropyKernels.Forward(logits, targets, losses, lse, rows, vocab, Ignore);

        (double[] eLoss, double[] eLse, int eCount) = NaiveCrossEntropy.Forward(TestData.ToDouble(logits), targets, rows, vocab, Ignore);
        Assert.Equal(eCount, count);
        Close(eLoss, losses, ForwardTolerance, "losses");
        Close(eLse, lse, ForwardTolerance, "lse");
    }

    [Theory]
    [MemberData(nameof(Sizes))]
    public void Backward_AwkwardSizesWithIgnoreIndex_MatchesReferenceAndAccumulates(int rows, int vocab)
    {
        var rng = new Random((rows * 1000) + vocab + 1);
        float[] logits = TestData.Normal(rng, rows * vocab, 3);
        AssertBackward(logits, Targets(rng, rows, vocab), TestData.Normal(rng, rows), TestData.Normal(rng, logits.Length), rows, vocab);
    }

    [Fact]
    public void Forward_ExtremeLogits_MatchesReference()
    {
        const int vocab = 37;
        float[] logits = ExtremeRows.Create(vocab, 12);
        // Row 2 targets a -inf logit: infinite loss, as the reference.
        int[] targets = [0, Ignore, 0, 5, 36, 3, vocab / 2];
        var losses = new float[ExtremeRows.Rows];
        var lse = new float[ExtremeRows.Rows];

        int count = CrossEntropyKernels.Forward(logits, targets, losses, lse, ExtremeRows.Rows, vocab, Ignore);

        Assert.Equal(6, count);
        (double[] eLoss, double[] eLse, _) = NaiveCrossEntropy.Forward(TestData.ToDouble(logits), targets, ExtremeRows.Rows, vocab, Ignore);
        Close(eLoss, losses, ForwardTolerance, "losses");
        Close(eLse, lse, ForwardTolerance, "lse");
        Assert.Equal(0f, losses[1]);
        Assert.Equal(float.PositiveInfinity, losses[2]);
    }

    [Fact]
    public void Backward_ExtremeLogits_MatchesReferenceAndIgnoredRowUntouched()
    {
        const int vocab = 37;
        var rng = new Random(13);
        float[] logits = ExtremeRows.Create(vocab, 13);
        int[] targets = [0, Ignore, 1, 5, 36, 3, vocab / 2];
        float[] prior = TestData.Normal(rng, logits.Length);
        float[] dlogits = AssertBackward(logits, targets, TestData.Normal(rng, ExtremeRows.Rows), prior, ExtremeRows.Rows, vocab);
        Assert.Equal(prior.AsSpan(vocab, vocab).ToArray(), dlogits.AsSpan(vocab, vocab).ToArray());
    }

    [Fact]
    public void Forward_TargetOutOfRange_ThrowsWithRowAndValue()
    {
        var losses = new float[3];
        var lse = new float[3];
        var ex = Assert.Throws<ArgumentOutOfRangeException>(
            () => CrossEntropyKernels.Forward(new float[12], [0, Ignore, 4], losses, lse, 3, 4, Ignore));
        Assert.Contains("[2]", ex.Message);
        Assert.Contains("4", ex.Message);
        Assert.Throws<ArgumentOutOfRangeException>(
            () => CrossEntropyKernels.Forward(new float[12], [0, -1, 1], losses, lse, 3, 4, Ignore));
    }

    [Fact]
    public void Backward_Reference_MatchesFiniteDifferences()
    {
        const int rows = 4, vocab = 9;
        var rng = new Random(14);
        double[] logits = TestData.ToDouble(TestData.Normal(rng, rows * vocab, 2));
        int[] targets = [3, Ignore, 0, 8];
        double[] w = TestData.ToDouble(TestData.Normal(rng, rows));
        double Loss(double[] x) => TestData.Weighted(NaiveCrossEntropy.Forward(x, targets, rows, vocab, Ignore).Losses, w);

        FiniteDifference.Check(Loss, logits, NaiveCrossEntropy.Backward(logits, targets, w, rows, vocab, Ignore), "dlogits");

        float[] xf = TestData.ToFloat(logits);
        var losses = new float[rows];
        var lse = new float[rows];
        var dlogits = new float[xf.Length];
        CrossEntropyKernels.Forward(xf, targets, losses, lse, rows, vocab, Ignore);
        CrossEntropyKernels.Backward(xf, targets, lse, TestData.ToFloat(w), dlogits, rows, vocab, Ignore);
        Close(FiniteDifference.Gradient(Loss, logits), dlogits, BackwardTolerance, "kernel dlogits");
    }

    private static int[] Targets(Random rng, int rows, int vocab)
    {
        int[] targets = TestData.Ints(rng, rows, vocab);
        for (int r = 1; r < rows; r += 3)
        {
            targets[r] = Ignore;
        }

        return targets;
    }

    private static float[] AssertBackward(float[] logits, int[] targets, float[] dloss, float[] prior, int rows, int vocab)
    {
        var losses = new float[rows];
        var lse = new float[rows];
        CrossEntropyKernels.Forward(logits, targets, losses, lse, rows, vocab, Ignore);
        float[] dlogits = (float[])prior.Clone();

        CrossEntropyKernels.Backward(logits, targets, lse, dloss, dlogits, rows, vocab, Ignore);

        double[] grad = NaiveCrossEntropy.Backward(TestData.ToDouble(logits), targets, TestData.ToDouble(dloss), rows, vocab, Ignore);
        Close(TestData.Add(prior, grad), dlogits, BackwardTolerance, "dlogits");
        return dlogits;
    }
}
