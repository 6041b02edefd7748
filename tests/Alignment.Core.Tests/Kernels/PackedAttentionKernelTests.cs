using Alignment.Kernels;
using Alignment.Tests.Kernels.Reference;
using static Alignment.Tests.Kernels.Reference.KernelAssert;

namespace Alignment.Tests.Kernels;

/// <summary>
/// The packed causal attention kernel (q/k/v read from [B, T, 3C], output written to [B, T, C]) against the
/// double-precision reference on the split layout [B, H, T, D], on every GEMM backend this machine runs: the scalar
/// backend's GEMM path and the vector backends' panel path (<see cref="PackedAttentionPanels{TKernel}"/>).
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
        new(1, 2, 13, 13, 16, true, 0, null),
        new(2, 1, 128, 128, 64, true, 0, AttentionCase.LeftPadding(128, 40, 0)),
        new(1, 1, 300, 300, 24, true, 0, AttentionCase.LeftPadding(300, 7)),
    ];

    private static readonly GemmBackend[] Backends =
        [.. new[] { GemmBackend.Scalar, GemmBackend.Vector256, GemmBackend.Vector512 }.Where(Gemm.IsSupported)];

    // (case, backend as int: the enum is internal).
    public static TheoryData<int, int> CasesAndBackends
    {
        get
        {
            var data = new TheoryData<int, int>();
            foreach (var backend in Backends)
            {
                for (int i = 0; i < Cases.Length; i++)
                {
                    data.Add(i, (int)backend);
                }
            }

            return data;
        }
    }

    [Theory]
    [MemberData(nameof(CasesAndBackends))]
    public void Forward_MatchesReference(int index, int backendValue)
    {
        var backend = (GemmBackend)backendValue;
        AttentionCase c = Cases[index];
        var rng = new Random(index);
        float[] q = TestData.Normal(rng, c.QueryElements), k = TestData.Normal(rng, c.KeyElements), v = TestData.Normal(rng, c.KeyElements);
        var (output, att) = RunForward(c, AttentionLayouts.Pack(c, q, k, v), backend);

        var e = NaiveAttention.Forward(c, TestData.ToDouble(q), TestData.ToDouble(k), TestData.ToDouble(v));
        Close(e.Output, AttentionLayouts.Split(c, output), ForwardTolerance, "output");
        // Every probability is written, 0 above the causal diagonal (the buffer starts as NaN).
        for (int at = 0; at < att.Length; at++)
        {
            Assert.True(Math.Abs(e.Att[at] - att[at]) <= ForwardTolerance * (1 + Math.Abs(e.Att[at])), $"att[{at}]: expected {e.Att[at]}, got {att[at]}");
        }
    }

    [Theory]
    [MemberData(nameof(CasesAndBackends))]
    public void Backward_MatchesReference_OverwritingAndAccumulating(int index, int backendValue)
    {
        var backend = (GemmBackend)backendValue;
        AttentionCase c = Cases[index];
        var rng = new Random(index + 100);
        float[] q = TestData.Normal(rng, c.QueryElements), k = TestData.Normal(rng, c.KeyElements), v = TestData.Normal(rng, c.KeyElements);
        float[] qkv = AttentionLayouts.Pack(c, q, k, v);
        var (_, att) = RunForward(c, qkv, backend);
        float[] dOut = TestData.Normal(rng, c.QueryElements);
        var e = NaiveAttention.Backward(c, TestData.ToDouble(dOut), TestData.ToDouble(q), TestData.ToDouble(k), TestData.ToDouble(v));
        double[] expected = TestData.ToDouble(AttentionLayouts.Pack(c, TestData.ToFloat(e.Dq), TestData.ToFloat(e.Dk), TestData.ToFloat(e.Dv)));
        float[] dOutPacked = AttentionLayouts.Merge(c, dOut, c.Tq, c.Tq);

        var written = new float[qkv.Length];
        Array.Fill(written, float.NaN);
        PackedAttentionKernels.Backward(dOutPacked, qkv, att, written, c.B, c.H, c.Tq, c.D, c.Scale, accumulate: false, backend);
        Close(expected, written, BackwardTolerance, "dqkv (overwrite)");

        float[] prior = TestData.Normal(rng, qkv.Length);
        float[] added = (float[])prior.Clone();
        PackedAttentionKernels.Backward(dOutPacked, qkv, att, added, c.B, c.H, c.Tq, c.D, c.Scale, accumulate: true, backend);
        Close(TestData.Add(prior, expected), added, BackwardTolerance, "dqkv (accumulate)");
    }

    [Fact]
    public void Forward_WrongLengths_Throw()
    {
        Assert.Throws<ArgumentException>(() => PackedAttentionKernels.Forward(new float[3 * 2 * 4], new float[3], new float[2 * 4], new float[4], 1, 1, 2, 4, 0.5f));
        Assert.Throws<ArgumentException>(() => PackedAttentionKernels.Forward(new float[3 * 2 * 4], default, new float[2 * 3], new float[4], 1, 1, 2, 4, 0.5f));
    }

    [Fact]
    public void Forward_PanelPath_EqualsTheGemmPathOnTheSameKernel_BitForBit()
    {
        // Both sum each score over the head dimension and each output over the keys in order, from zero, with the
        // same micro-kernel (T = 128 > 16 rows, so the GEMM path's products are packed ones too).
        AttentionCase c = Cases[^2];
        var rng = new Random(7);
        float[] qkv = AttentionLayouts.Pack(c, TestData.Normal(rng, c.QueryElements), TestData.Normal(rng, c.KeyElements), TestData.Normal(rng, c.KeyElements));
        var gemm = RunForward(c, qkv, GemmBackend.Vector256, panels: false);
        var panels = RunForward(c, qkv, GemmBackend.Vector256, panels: true);
        Assert.Equal(gemm.Att, panels.Att);
        Assert.Equal(gemm.Output, panels.Output);
    }

    private static (float[] Output, float[] Att) RunForward(AttentionCase c, float[] qkv, GemmBackend backend, bool panels = true)
    {
        var output = new float[c.QueryElements];
        var att = new float[c.ScoreElements];
        Array.Fill(att, float.NaN);
        PackedAttentionKernels.Forward(qkv, c.Mask, output, att, c.B, c.H, c.Tq, c.D, c.Scale, backend, panels);
        return (output, att);
    }
}
