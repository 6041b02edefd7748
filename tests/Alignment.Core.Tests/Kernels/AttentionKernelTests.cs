using Alignment.Kernels;
using Alignment.Tests.Kernels.Reference;
using static Alignment.Tests.Kernels.Reference.KernelAssert;

namespace Alignment.Tests.Kernels;

public sealed class AttentionKernelTests
{
    private static readonly AttentionCase[] Cases =
    [
        new(1, 1, 1, 1, 1, false, 0, null),
        new(2, 3, 7, 7, 33, true, 0, null),
        new(1, 2, 5, 9, 7, true, 4, null),
        new(2, 2, 1, 13, 64, true, 12, AttentionCase.LeftPadding(13, 0, 5)),
        new(2, 2, 9, 9, 16, true, 0, AttentionCase.LeftPadding(9, 3, 0)),
        new(2, 1, 6, 6, 8, false, 0, AttentionCase.LeftPadding(6, 6, 2)),
        new(1, 2, 33, 40, 129, false, 0, null),
        new(2, 4, 64, 64, 64, true, 0, AttentionCase.LeftPadding(64, 5, 0)),
    ];

    public static TheoryData<int> CaseIndices => new(Enumerable.Range(0, Cases.Length));

    [Theory]
    [MemberData(nameof(CaseIndices))]
    public void Forward_AwkwardShapesAndMasks_MatchesReference(int index)
    {
        AttentionCase c = Cases[index];
        var rng = new Random(index);
        AssertForward(c, TestData.Normal(rng, c.QueryElements), TestData.Normal(rng, c.KeyElements), TestData.Normal(rng, c.KeyElements));
    }

    [Theory]
    [MemberData(nameof(CaseIndices))]
    public void Backward_AwkwardShapesAndMasks_MatchesReferenceAndAccumulates(int index)
    {
        AttentionCase c = Cases[index];
        var rng = new Random(index + 100);
        AssertBackward(c, rng, TestData.Normal(rng, c.QueryElements), TestData.Normal(rng, c.KeyElements), TestData.Normal(rng, c.KeyElements));
    }

    [Fact]
    public void Forward_AllKeysMasked_GivesZeroOutputAndAttentionWithoutNaN()
    {
        // Batch 0 is entirely padding; in batch 1 causal queries 0..2 only see padded keys.
        var c = new AttentionCase(2, 2, 8, 8, 12, true, 0, AttentionCase.LeftPadding(8, 8, 3));
        var rng = new Random(30);
        (float[] output, float[] att) = AssertForward(c, TestData.Normal(rng, c.QueryElements), TestData.Normal(rng, c.KeyElements), TestData.Normal(rng, c.KeyElements));

        Finite(output, "output");
        Finite(att, "att");
        Assert.All(output.AsSpan(0, 2 * 8 * 12).ToArray(), v => Assert.Equal(0f, v));
        for (int h = 0; h < 2; h++)
        {
            int row = (((1 * 2) + h) * 8) + 2;
            Assert.All(att.AsSpan(row * 8, 8).ToArray(), v => Assert.Equal(0f, v));
            Assert.Equal(1f, att.AsSpan((row + 1) * 8, 8).ToArray().Sum(), 5);
        }
    }

    [Fact]
    public void Forward_CausalDecodeWithOffset_SeesOnlyPastKeys()
    {
        var c = new AttentionCase(1, 1, 2, 10, 8, true, 6, null);
        var rng = new Random(31);
        (_, float[] att) = AssertForward(c, TestData.Normal(rng, c.QueryElements), TestData.Normal(rng, c.KeyElements), TestData.Normal(rng, c.KeyElements));

        Assert.All(att.AsSpan(7, 3).ToArray(), v => Assert.Equal(0f, v));
        Assert.All(att.AsSpan(10 + 8, 2).ToArray(), v => Assert.Equal(0f, v));
        Assert.True(att[6] > 0f && att[10 + 7] > 0f);
    }

    [Fact]
    public void ForwardAndBackward_ExtremeScores_MatchReference()
    {
        var c = new AttentionCase(2, 2, 9, 11, 16, true, 2, AttentionCase.LeftPadding(11, 2, 0));
        var rng = new Random(32);
        float[] q = TestData.Normal(rng, c.QueryElements, 100);
        float[] k = TestData.Normal(rng, c.KeyElements, 10);
        float[] v = TestData.Normal(rng, c.KeyElements, 1000);
        AssertForward(c, q, k, v);
        AssertBackward(c, rng, q, k, v);
    }

    [Fact]
    public void Backward_Reference_MatchesFiniteDifferences()
    {
        var c = new AttentionCase(1, 2, 3, 5, 4, true, 2, AttentionCase.LeftPadding(5, 1));
        var rng = new Random(33);
        double[] q = TestData.ToDouble(TestData.Normal(rng, c.QueryElements));
        double[] k = TestData.ToDouble(TestData.Normal(rng, c.KeyElements));
        double[] v = TestData.ToDouble(TestData.Normal(rng, c.KeyElements));
        double[] w = TestData.ToDouble(TestData.Normal(rng, c.QueryElements));
        double Loss(double[] qv, double[] kv, double[] vv) => TestData.Weighted(NaiveAttention.Forward(c, qv, kv, vv).Output, w);
        (double[] dq, double[] dk, double[] dv) = NaiveAttention.Backward(c, w, q, k, v);

        FiniteDifference.Check(x => Loss(x, k, v), q, dq, "dq");
        FiniteDifference.Check(x => Loss(q, x, v), k, dk, "dk");
        FiniteDifference.Check(x => Loss(q, k, x), v, dv, "dv");

        float[] qf = TestData.ToFloat(q), kf = TestData.ToFloat(k), vf = TestData.ToFloat(v);
        var output = new float[c.QueryElements];
        var att = new float[c.ScoreElements];
        AttentionKernels.Forward(qf, kf, vf, c.Mask, output, att, c.B, c.H, c.Tq, c.S, c.D, c.Scale, c.Causal, c.Offset);
        var (kdq, kdk, kdv) = (new float[qf.Length], new float[kf.Length], new float[vf.Length]);
        AttentionKernels.Backward(TestData.ToFloat(w), qf, kf, vf, att, kdq, kdk, kdv, c.B, c.H, c.Tq, c.S, c.D, c.Scale);
        Close(FiniteDifference.Gradient(x => Loss(x, k, v), q), kdq, BackwardTolerance, "kernel dq");
        Close(FiniteDifference.Gradient(x => Loss(q, x, v), k), kdk, BackwardTolerance, "kernel dk");
        Close(FiniteDifference.Gradient(x => Loss(q, k, x), v), kdv, BackwardTolerance, "kernel dv");
    }

    [Fact]
    public void Forward_WrongMaskLength_Throws()
    {
        var c = new AttentionCase(1, 1, 2, 3, 4, false, 0, null);
        Assert.Throws<ArgumentException>(() => AttentionKernels.Forward(
            new float[c.QueryElements], new float[c.KeyElements], new float[c.KeyElements], new float[2],
            new float[c.QueryElements], new float[c.ScoreElements], c.B, c.H, c.Tq, c.S, c.D, c.Scale, c.Causal, c.Offset));
    }

    private static (float[] Output, float[] Att) AssertForward(AttentionCase c, float[] q, float[] k, float[] v)
    {
        var output = new float[c.QueryElements];
        var att = new float[c.ScoreElements];

        AttentionKernels.Forward(q, k, v, c.Mask, output, att, c.B, c.H, c.Tq, c.S, c.D, c.Scale, c.Causal, c.Offset);

        var e = NaiveAttention.Forward(c, TestData.ToDouble(q), TestData.ToDouble(k), TestData.ToDouble(v));
        Close(e.Att, att, ForwardTolerance, "att");
        Close(e.Output, output, ForwardTolerance, "output");
        return (output, att);
    }

    private static void AssertBackward(AttentionCase c, Random rng, float[] q, float[] k, float[] v)
    {
        var output = new float[c.QueryElements];
        var att = new float[c.ScoreElements];
        AttentionKernels.Forward(q, k, v, c.Mask, output, att, c.B, c.H, c.Tq, c.S, c.D, c.Scale, c.Causal, c.Offset);
        float[] dOut = TestData.Normal(rng, c.QueryElements);
        float[] pq = TestData.Normal(rng, q.Length), pk = TestData.Normal(rng, k.Length), pv = TestData.Normal(rng, v.Length);
        float[] dq = (float[])pq.Clone(), dk = (float[])pk.Clone(), dv = (float[])pv.Clone();

        AttentionKernels.Backward(dOut, q, k, v, att, dq, dk, dv, c.B, c.H, c.Tq, c.S, c.D, c.Scale);

        var e = NaiveAttention.Backward(c, TestData.ToDouble(dOut), TestData.ToDouble(q), TestData.ToDouble(k), TestData.ToDouble(v));
        Close(TestData.Add(pq, e.Dq), dq, BackwardTolerance, "dq");
        Close(TestData.Add(pk, e.Dk), dk, BackwardTolerance, "dk");
        Close(TestData.Add(pv, e.Dv), dv, BackwardTolerance, "dv");
    }
}
