using Alignment.Kernels;
using Alignment.Tests.Kernels.Reference;
using static Alignment.Tests.Kernels.Reference.KernelAssert;

namespace Alignment.Tests.Kernels;

public sealed class SelectiveLogSoftmaxKernelTests
{
    public static TheoryData<int, int> Sizes => CrossEntropyKernelTests.Sizes;

    [Theory]
    [MemberData(nameof(Sizes))]
    public void Forward_AwkwardSizes_MatchesReference(int rows, int vocab)
    {
        var rng = new Random((rows * 1000) + vocab);
        float[] logits = TestData.Normal(rng, rows * vocab, 3);
        int[] labels = TestData.Ints(rng, rows, vocab);
        var logp = new float[rows];
        var lse = new float[rows];

        SelectiveLogSoftmaxKernels.Forward(logits, labels, logp, lse, rows, vocab);

        (double[] eLogp, double[] eLse) = NaiveCrossEntropy.Selective(TestData.ToDouble(logits), labels, rows, vocab);
        Close(eLogp, logp, ForwardTolerance, "logp");
        Close(eLse, lse, ForwardTolerance, "lse");
    }

    [Theory]
    [MemberData(nameof(Sizes))]
    public void Backward_AwkwardSizes_MatchesReferenceAndAccumulates(int rows, int vocab)
    {
        var rng = new Random((rows * 1000) + vocab + 1);
        float[] logits = TestData.Normal(rng, rows * vocab, 3);
        AssertBackward(logits, TestData.Ints(rng, rows, vocab), TestData.Normal(rng, rows), TestData.Normal(rng, logits.Length), rows, vocab);
    }

    [Theory]
    [MemberData(nameof(Sizes))]
    public void Entropy_AwkwardSizes_MatchesReference(int rows, int vocab)
    {
        float[] logits = TestData.Normal(new Random((rows * 1000) + vocab + 2), rows * vocab, 3);
        var entropy = new float[rows];

        SelectiveLogSoftmaxKernels.Entropy(logits, entropy, rows, vocab);

        Close(NaiveCrossEntropy.Entropy(TestData.ToDouble(logits), rows, vocab), entropy, ForwardTolerance, "entropy");
    }

    [Fact]
    public void ForwardBackwardEntropy_ExtremeLogits_MatchReference()
    {
        const int vocab = 37;
        var rng = new Random(15);
        float[] logits = ExtremeRows.Create(vocab, 15);
        int[] labels = [0, 4, 1, 5, 36, 3, vocab / 2];
        // Row 1 (all -inf) has no defined log-probability; check the others for the forward pass.
        var logp = new float[ExtremeRows.Rows];
        var lse = new float[ExtremeRows.Rows];
        SelectiveLogSoftmaxKernels.Forward(logits, labels, logp, lse, ExtremeRows.Rows, vocab);
        (double[] eLogp, double[] eLse) = NaiveCrossEntropy.Selective(TestData.ToDouble(logits), labels, ExtremeRows.Rows, vocab);
        Close(eLse, lse, ForwardTolerance, "lse");
        eLogp[1] = double.NaN;
        Close(eLogp, logp, ForwardTolerance, "logp");

        var entropy = new float[ExtremeRows.Rows];
        SelectiveLogSoftmaxKernels.Entropy(logits, entropy, ExtremeRows.Rows, vocab);
        Close(NaiveCrossEntropy.Entropy(TestData.ToDouble(logits), ExtremeRows.Rows, vocab), entropy, ForwardTolerance, "entropy");

        labels[1] = 0;
        float[] dlogp = TestData.Normal(rng, ExtremeRows.Rows);
        dlogp[1] = 0f;
        int[] finiteRows = [0, 2, 3, 4, 5, 6];
        float[] dlogits = new float[logits.Length];
        SelectiveLogSoftmaxKernels.Backward(logits, labels, lse, dlogp, dlogits, ExtremeRows.Rows, vocab);
        double[] grad = NaiveCrossEntropy.SelectiveBackward(TestData.ToDouble(logits), labels, TestData.ToDouble(dlogp), ExtremeRows.Rows, vocab);
        foreach (int r in finiteRows)
        {
            Close(grad.AsSpan(r * vocab, vocab).ToArray(), dlogits.AsSpan(r * vocab, vocab).ToArray(), BackwardTolerance, $"dlogits row {r}");
        }
    }

    [Fact]
    public void Forward_LabelOutOfRange_ThrowsWithRowAndValue()
    {
        var ex = Assert.Throws<ArgumentOutOfRangeException>(
            () => SelectiveLogSoftmaxKernels.Forward(new float[8], [1, 7], new float[2], new float[2], 2, 4));
        Assert.Contains("[1]", ex.Message);
        Assert.Contains("7", ex.Message);
    }

    [Fact]
    public void Backward_Reference_MatchesFiniteDifferences()
    {
        const int rows = 4, vocab = 9;
        var rng = new Random(16);
        double[] logits = TestData.ToDouble(TestData.Normal(rng, rows * vocab, 2));
        int[] labels = [3, 1, 0, 8];
        double[] w = TestData.ToDouble(TestData.Normal(rng, rows));
        double Loss(double[] x) => TestData.Weighted(NaiveCrossEntropy.Selective(x, labels, rows, vocab).Logp, w);

        FiniteDifference.Check(Loss, logits, NaiveCrossEntropy.SelectiveBackward(logits, labels, w, rows, vocab), "dlogits");

        float[] xf = TestData.ToFloat(logits);
        var logp = new float[rows];
        var lse = new float[rows];
        var dlogits = new float[xf.Length];
        SelectiveLogSoftmaxKernels.Forward(xf, labels, logp, lse, rows, vocab);
        SelectiveLogSoftmaxKernels.Backward(xf, labels, lse, TestData.ToFloat(w), dlogits, rows, vocab);
        Close(FiniteDifference.Gradient(Loss, logits), dlogits, BackwardTolerance, "kernel dlogits");
    }

    private static void AssertBackward(float[] logits, int[] labels, float[] dlogp, float[] prior, int rows, int vocab)
    {
        var logp = new float[rows];
        var lse = new float[rows];
        SelectiveLogSoftmaxKernels.Forward(logits, labels, logp, lse, rows, vocab);
        float[] dlogits = (float[])prior.Clone();

        SelectiveLogSoftmaxKernels.Backward(logits, labels, lse, dlogp, dlogits, rows, vocab);

        double[] grad = NaiveCrossEntropy.SelectiveBackward(TestData.ToDouble(logits), labels, TestData.ToDouble(dlogp), rows, vocab);
        Close(TestData.Add(prior, grad), dlogits, BackwardTolerance, "dlogits");
    }
}
