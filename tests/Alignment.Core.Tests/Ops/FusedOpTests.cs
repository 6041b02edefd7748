using Alignment.Tests.Testing;

namespace Alignment.Tests.Ops;

/// <summary>Finite-difference gradient checks and hand-computed values for the ops built on fused kernels.</summary>
public class FusedOpTests
{
    [Fact]
    public void SoftmaxFamily_GradientsMatchFiniteDifferences()
    {
        GradCheck.Check(x => Tensor.Softmax(x[0]), [GradCheck.Random(1, 3, 5)]);
        GradCheck.Check(x => Tensor.Softmax(x[0], 0), [GradCheck.Random(2, 3, 5)]);
        GradCheck.Check(x => Tensor.LogSoftmax(x[0]), [GradCheck.Random(3, 2, 3, 4)]);
        GradCheck.Check(x => Tensor.LogSoftmax(x[0], 1), [GradCheck.Random(4, 2, 3, 4)]);
        GradCheck.Check(x => Tensor.LogSumExp(x[0]), [GradCheck.Random(5, 3, 7)]);
        GradCheck.Check(x => Tensor.LogSumExp(x[0], 0, keepDim: true), [GradCheck.Random(6, 3, 7)]);
        GradCheck.Check(x => Tensor.LogSumExp(x[0], 1), [GradCheck.Random(7, 2, 3, 4)]);
    }

    [Fact]
    public void LogSumExp_NonLastDim_MatchesManual()
    {
        var x = GradCheck.Random(8, 2, 3, 4);
        var expected = Tensor.Log(Tensor.Exp(x).Sum(1)).ToArray();
        var actual = Tensor.LogSumExp(x, 1).ToArray();
        Assert.Equal(expected.Length, actual.Length);
        for (var i = 0; i < expected.Length; i++)
        {
            Assert.Equal(expected[i], actual[i], 5);
        }
    }

    [Fact]
    public void Softmax_LargeInputs_DoNotOverflow()
    {
        var y = Tensor.Softmax(Tensor.FromArray([1000f, 1000f])).ToArray();
        Assert.Equal([0.5f, 0.5f], y);
    }

    [Fact]
    public void CrossEntropy_HandComputed_WithIgnoreIndex()
    {
        // Row 0: logits [0, ln 3] target 1 → −log(3/4); row 1 ignored.
        var logits = Tensor.FromArray([0f, MathF.Log(3f), 5f, -5f], 2, 2);
        var loss = Tensor.CrossEntropy(logits, new IntTensor([1, -100], 2));
        Assert.Equal(-MathF.Log(0.75f), loss.Item(), 6);
        var sum = Tensor.CrossEntropy(logits, new IntTensor([1, 0], 2), reduction: Reduction.Sum);
        Assert.Equal(-MathF.Log(0.75f) - MathF.Log(1f / (1f + MathF.Exp(-10f))), sum.Item(), 5);
    }

    [Fact]
    public void CrossEntropyAndSelectiveLogSoftmax_GradientsMatchFiniteDifferences()
    {
        var targets = new IntTensor([2, -100, 0, 4, 1, 3], 2, 3);
        GradCheck.Check(x => Tensor.CrossEntropy(x[0], targets), [GradCheck.Random(1, 2, 3, 5)]);
        GradCheck.Check(x => Tensor.CrossEntropy(x[0], targets, reduction: Reduction.None), [GradCheck.Random(2, 2, 3, 5)]);
        var labels = new IntTensor([2, 1, 0, 4, 1, 3], 2, 3);
        GradCheck.Check(x => Tensor.SelectiveLogSoftmax(x[0], labels), [GradCheck.Random(3, 2, 3, 5)]);
    }

    [Fact]
    public void SelectiveLogSoftmax_EqualsGatherOfLogSoftmax()
    {
        var logits = GradCheck.Random(4, 3, 4, 11);
        var labels = new IntTensor(Enumerable.Range(0, 12).Select(i => (i * 7) % 11).ToArray(), 3, 4);
        var expected = Tensor.LogSoftmax(logits).Gather(2, labels.Reshape(3, 4, 1)).Reshape(3, 4).ToArray();
        var actual = Tensor.SelectiveLogSoftmax(logits, labels).ToArray();
        for (var i = 0; i < expected.Length; i++)
        {
            Assert.Equal(expected[i], actual[i], 5);
        }
    }

    [Fact]
    public void LayerNormGeluEmbedding_GradientsMatchFiniteDifferences()
    {
        GradCheck.Check(x => Tensor.LayerNorm(x[0], x[1], x[2]), [GradCheck.Random(1, 2, 3, 6), GradCheck.Random(2, 6), GradCheck.Random(3, 6)]);
        GradCheck.Check(x => Tensor.Gelu(x[0]), [GradCheck.Random(4, 3, 7)]);
        var ids = new IntTensor([3, 0, 3, 1, 2, 3], 2, 3);
        GradCheck.Check(x => Tensor.Embedding(ids, x[0]), [GradCheck.Random(5, 4, 5)]);
    }

    [Fact]
    public void LayerNorm_NormalisesRows()
    {
        var x = Tensor.FromArray([1f, 2f, 3f, 4f], 1, 4);
        var y = Tensor.LayerNorm(x, Tensor.Ones(4), Tensor.Zeros(4), 0f).ToArray();
        var std = MathF.Sqrt(1.25f);
        Assert.Equal([-1.5f / std, -0.5f / std, 0.5f / std, 1.5f / std], y, new ApproxComparer(1e-4f));
    }

    [Fact]
    public void Attention_GradientsMatchFiniteDifferences_WithCausalAndPaddingMasks()
    {
        var mask = Tensor.FromArray([0f, 1f, 1f, 1f, 1f, 1f, 1f, 0f], 2, 4);
        GradCheck.Check(x => Tensor.ScaledDotProductAttention(x[0], x[1], x[2], mask, causal: true),
            [GradCheck.Random(1, 2, 2, 4, 3), GradCheck.Random(2, 2, 2, 4, 3), GradCheck.Random(3, 2, 2, 4, 3)]);
        GradCheck.Check(x => Tensor.ScaledDotProductAttention(x[0], x[1], x[2], causal: false),
            [GradCheck.Random(4, 1, 2, 3, 4), GradCheck.Random(5, 1, 2, 5, 4), GradCheck.Random(6, 1, 2, 5, 4)]);
    }

    [Fact]
    public void Attention_MatchesComposedReference()
    {
        var q = GradCheck.Random(7, 2, 3, 5, 4);
        var k = GradCheck.Random(8, 2, 3, 5, 4);
        var v = GradCheck.Random(9, 2, 3, 5, 4);
        var scores = Tensor.MatMul(q, k.Transpose(-1, -2)) * 0.5f;
        var causal = new float[25];
        for (var i = 0; i < 5; i++)
        {
            for (var j = i + 1; j < 5; j++)
            {
                causal[(i * 5) + j] = 1f;
            }
        }

        var expected = Tensor.MatMul(Tensor.Softmax(scores.MaskedFill(Tensor.FromArray(causal, 5, 5), float.NegativeInfinity)), v).ToArray();
        var actual = Tensor.ScaledDotProductAttention(q, k, v).ToArray();
        for (var i = 0; i < expected.Length; i++)
        {
            Assert.Equal(expected[i], actual[i], 4);
        }
    }

    [Fact]
    public void CausalSelfAttention_GradientsMatchFiniteDifferences()
    {
        var mask = Tensor.FromArray([0f, 1f, 1f, 1f, 1f, 1f, 1f, 1f, 1f, 1f], 2, 5);
        GradCheck.Check(x => Tensor.CausalSelfAttention(x[0], 2, mask), [GradCheck.Random(11, 2, 5, 12)]);
        GradCheck.Check(x => Tensor.CausalSelfAttention(x[0], 3), [GradCheck.Random(12, 1, 4, 9)]);
    }

    [Fact]
    public void CausalSelfAttention_MatchesSplitAttentionMerge_ValuesAndGradients()
    {
        int b = 2, t = 37, heads = 3, d = 4, c = heads * d;
        var mask = Tensor.FromArray(Enumerable.Range(0, b * t).Select(i => i < 3 ? 0f : 1f).ToArray(), b, t);
        var qkv = GradCheck.Random(13, b, t, 3 * c);
        var weights = GradCheck.Random(14, b, t, c);
        qkv.RequiresGrad = true;
        var fused = Tensor.CausalSelfAttention(qkv, heads, mask);
        (fused * weights).Sum().Backward();
        var fusedGrad = qkv.Grad!.ToArray();

        qkv.Grad = null;
        var split = qkv.Reshape(b, t, 3, heads, d).Permute(2, 0, 3, 1, 4);
        var q = split.Narrow(0, 0, 1).Reshape(b, heads, t, d);
        var k = split.Narrow(0, 1, 1).Reshape(b, heads, t, d);
        var v = split.Narrow(0, 2, 1).Reshape(b, heads, t, d);
        var composed = Tensor.ScaledDotProductAttention(q, k, v, mask, causal: true).Permute(0, 2, 1, 3).Reshape(b, t, c);
        (composed * weights).Sum().Backward();

        Assert.Equal(composed.ToArray(), fused.ToArray(), new ApproxComparer(1e-5f));
        Assert.Equal(qkv.Grad!.ToArray(), fusedGrad, new ApproxComparer(1e-4f));
    }

    private sealed class ApproxComparer(float tolerance) : IEqualityComparer<float>
    {
        public bool Equals(float x, float y) => MathF.Abs(x - y) <= tolerance;

        public int GetHashCode(float obj) => 0;
    }
}
