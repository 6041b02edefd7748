using Alignment.Kernels;
using Alignment.Tests.Kernels.Reference;

namespace Alignment.Tests.Kernels;

/// <summary>
/// Backward kernels that can overwrite a fresh gradient buffer instead of adding to zeros: overwriting a buffer full
/// of garbage must give exactly what adding to zeros gives.
/// </summary>
public sealed class OverwriteGradientTests
{
    [Theory]
    [InlineData(3, 5)]
    [InlineData(64, 300)]
    public void CrossEntropyBackward_OverwriteEqualsAccumulateIntoZeros(int rows, int vocab)
    {
        var rng = new Random(rows + vocab);
        float[] logits = TestData.Normal(rng, rows * vocab);
        int[] targets = TestData.Ints(rng, rows, vocab);
        targets[1] = -100;
        float[] losses = new float[rows], lse = new float[rows], dloss = TestData.Normal(rng, rows);
        CrossEntropyKernels.Forward(logits, targets, losses, lse, rows, vocab, -100);
        var added = new float[rows * vocab];
        CrossEntropyKernels.Backward(logits, targets, lse, dloss, added, rows, vocab, -100, accumulate: true);
        var written = Garbage(rows * vocab);
        CrossEntropyKernels.Backward(logits, targets, lse, dloss, written, rows, vocab, -100, accumulate: false);
        Assert.Equal(added, written);
    }

    [Theory]
    [InlineData(13)]
    [InlineData(70_001)]
    public void GeluBackward_OverwriteEqualsAccumulateIntoZeros(int n)
    {
        var rng = new Random(n);
        float[] x = TestData.Normal(rng, n, 3.0), dy = TestData.Normal(rng, n);
        var added = new float[n];
        GeluKernels.Backward(x, dy, added, accumulate: true);
        var written = Garbage(n);
        GeluKernels.Backward(x, dy, written, accumulate: false);
        Assert.Equal(added, written);
    }

    [Theory]
    [InlineData(3, 7)]
    [InlineData(200, 256)]
    public void LayerNormBackward_OverwriteEqualsAccumulateIntoZeros(int rows, int cols)
    {
        var rng = new Random(rows * cols);
        float[] x = TestData.Normal(rng, rows * cols), gamma = TestData.Normal(rng, cols), beta = TestData.Normal(rng, cols), dy = TestData.Normal(rng, rows * cols);
        float[] y = new float[rows * cols], mean = new float[rows], rstd = new float[rows];
        LayerNormKernels.Forward(x, gamma, beta, y, mean, rstd, rows, cols, 1e-5f);
        float[] dx1 = new float[rows * cols], dg1 = new float[cols], db1 = new float[cols];
        LayerNormKernels.Backward(dy, x, gamma, mean, rstd, dx1, dg1, db1, rows, cols, accumulateDx: true);
        float[] dx2 = Garbage(rows * cols), dg2 = new float[cols], db2 = new float[cols];
        LayerNormKernels.Backward(dy, x, gamma, mean, rstd, dx2, dg2, db2, rows, cols, accumulateDx: false);
        Assert.Equal(dx1, dx2);
        Assert.Equal(dg1, dg2);
        Assert.Equal(db1, db2);
    }

    [Fact]
    public void SharedInput_FirstContributionWrittenLaterOnesAdded()
    {
        // x feeds a residual add, a GELU, a LayerNorm and a linear layer: each backward either writes x's fresh
        // gradient or adds to it, and the total must be the sum of the four contributions.
        var x = Tests.Testing.GradCheck.Random(1, 4, 6);
        var w = Tests.Testing.GradCheck.Random(2, 6, 5);
        var gamma = Tests.Testing.GradCheck.Random(3, 6);
        var beta = Tests.Testing.GradCheck.Random(4, 6);
        Tests.Testing.GradCheck.Check(
            t => (t[0] + Tensor.Gelu(t[0])).Sum(1) + Tensor.LayerNorm(t[0], t[2], t[3]).Sum(1) + Tensor.MatMul(t[0], t[1]).Sum(1),
            [x, w, gamma, beta]);
    }

    private static float[] Garbage(int n)
    {
        var values = new float[n];
        Array.Fill(values, float.NaN);
        return values;
    }
}
