using Alignment.Kernels;
using Alignment.Tests.Kernels.Reference;
using static Alignment.Tests.Kernels.Reference.KernelAssert;

namespace Alignment.Tests.Kernels;

/// <summary>
/// The packed causal attention kernel (q/k/v read from [B, T, 3C], output written to [B, T, C]) against the
/// double-precision reference on the split layout [B, H, T, D].
/// </summary>
public sealed class PackedAttentionKernelTests
{
    private static readonly AttentionCase[] Cases =
    [
        new(1, 1, 1, 1, 1, true, 0, null),
        new(2, 3, 7, 7, 33, true, 0, null),
        new(2, 2, 9, 9, 16, true, 0, AttentionCase.LeftPadding(9, 3, 0)),
        new(2, 1, 6, 6, 8, true, 0, AttentionCase.LeftPadding(6, 6, 2)),
        new(1, 2, 40, 40, 8, true, 0, null),
        new(2, 4, 64, 64, 64, true, 0, AttentionCase.LeftPadding(64, 5, 0)),
        new(1, 1, 70, 70, 5, true, 0, AttentionCase.LeftPadding(70, 33)),
    ];

    public static TheoryData<int> CaseIndices => new(Enumerable.Range(0, Cases.Length));

    [Theory]
    [MemberData(nameof(CaseIndices))]
    public void Forward_MatchesReference(int index)
    {
        AttentionCase c = Cases[index];
        var rng = new Random(index);
        float[] q = TestData.Normal(rng, c.QueryElements), k = TestData.Normal(rng, c.KeyElements), v = TestData.Normal(rng, c.KeyElements);
        var (output, att) = RunForward(c, AttentionLayouts.Pack(c, q, k, v));

        var e = NaiveAttention.Forward(c, TestData.ToDouble(q), TestData.ToDouble(k), TestData.ToDouble(v));
        Close(e.Output, AttentionLayouts.Split(c, output), ForwardTolerance, "output");
        // Probabilities are defined for the causal triangle; columns past a query are 0 within its block.
        for (int pair = 0; pair < c.B * c.H; pair++)
        {
            for (int i = 0; i < c.Tq; i++)
            {
                int blockEnd = Math.Min(c.Tq, ((i / PackedAttentionKernels.QueryBlock) + 1) * PackedAttentionKernels.QueryBlock);
                for (int j = 0; j < blockEnd; j++)
                {
                    int at = (((pair * c.Tq) + i) * c.S) + j;
                    Assert.True(Math.Abs(e.Att[at] - att[at]) <= ForwardTolerance * (1 + Math.Abs(e.Att[at])), $"att[{at}]: expected {e.Att[at]}, got {att[at]}");
                }
            }
        }
    }

    [Theory]
    [MemberData(nameof(CaseIndices))]
    public void Backward_MatchesReference_OverwritingAndAccumulating(int index)
    {
        AttentionCase c = Cases[index];
        var rng = new Random(index + 100);
        float[] q = TestData.Normal(rng, c.QueryElements), k = TestData.Normal(rng, c.KeyElements), v = TestData.Normal(rng, c.KeyElements);
        float[] qkv = AttentionLayouts.Pack(c, q, k, v);
        var (_, att) = RunForward(c, qkv);
        float[] dOut = TestData.Normal(rng, c.QueryElements);
        var e = NaiveAttention.Backward(c, TestData.ToDouble(dOut), TestData.ToDouble(q), TestData.ToDouble(k), TestData.ToDouble(v));
        double[] expected = TestData.ToDouble(AttentionLayouts.Pack(c, TestData.ToFloat(e.Dq), TestData.ToFloat(e.Dk), TestData.ToFloat(e.Dv)));
        float[] dOutPacked = AttentionLayouts.Merge(c, dOut, c.Tq, c.Tq);

        var written = new float[qkv.Length];
        Array.Fill(written, float.NaN);
        PackedAttentionKernels.Backward(dOutPacked, qkv, att, written, c.B, c.H, c.Tq, c.D, c.Scale, accumulate: false);
        Close(expected, written, BackwardTolerance, "dqkv (overwrite)");

        float[] prior = TestData.Normal(rng, qkv.Length);
        float[] added = (float[])prior.Clone();
        PackedAttentionKernels.Backward(dOutPacked, qkv, att, added, c.B, c.H, c.Tq, c.D, c.Scale, accumulate: true);
        Close(TestData.Add(prior, expected), added, BackwardTolerance, "dqkv (accumulate)");
    }

    [Fact]
    public void Forward_WrongLengths_Throw()
    {
        Assert.Throws<ArgumentException>(() => PackedAttentionKernels.Forward(new float[3 * 2 * 4], new float[3], new float[2 * 4], new float[4], 1, 1, 2, 4, 0.5f));
        Assert.Throws<ArgumentException>(() => PackedAttentionKernels.Forward(new float[3 * 2 * 4], default, new float[2 * 3], new float[4], 1, 1, 2, 4, 0.5f));
    }

    private static (float[] Output, float[] Att) RunForward(AttentionCase c, float[] qkv)
    {
        var output = new float[c.QueryElements];
        var att = new float[c.ScoreElements];
        PackedAttentionKernels.Forward(qkv, c.Mask, output, att, c.B, c.H, c.Tq, c.D, c.Scale);
        return (output, att);
    }
}
