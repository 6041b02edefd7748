using Alignment.Kernels;
using Alignment.Tests.Kernels.Reference;
using static Alignment.Tests.Kernels.Reference.KernelAssert;

namespace Alignment.Tests.Kernels;

/// <summary>
/// Attention over a key/value cache laid out [B, capacity, H·D] (queries read from the fused projection [B, T, 3C],
/// output written [B, T, C]) against the double-precision reference on the split layout, with S = capacity and the
/// queries at offset past. Values the kernel must not read (the k and v slots of the projection, cache positions past
/// the new ones) are NaN, so reading one shows in the output.
/// </summary>
public sealed class CachedAttentionKernelTests
{
    // Tq new positions after Offset cached ones, in a cache of S positions.
    private static readonly AttentionCase[] Cases =
    [
        new(1, 1, 1, 1, 1, true, 0, null),
        new(2, 3, 1, 9, 8, true, 5, AttentionCase.LeftPadding(9, 2, 0)),
        new(2, 2, 4, 12, 16, true, 3, null),
        new(3, 2, 1, 20, 33, true, 19, AttentionCase.LeftPadding(20, 0, 7, 19)),
        new(2, 4, 16, 80, 64, true, 0, AttentionCase.LeftPadding(80, 5, 0)),
        new(2, 1, 1, 6, 8, true, 2, AttentionCase.LeftPadding(6, 6, 1)),
        new(8, 12, 1, 80, 64, true, 47, AttentionCase.LeftPadding(80, 0, 3, 0, 9, 0, 0, 1, 30)),
    ];

    public static TheoryData<int> CaseIndices => new(Enumerable.Range(0, Cases.Length));

    [Theory]
    [MemberData(nameof(CaseIndices))]
    public void Forward_MatchesReference(int index)
    {
        AttentionCase c = Cases[index];
        var rng = new Random(index);
        float[] q = TestData.Normal(rng, c.QueryElements), k = TestData.Normal(rng, c.KeyElements), v = TestData.Normal(rng, c.KeyElements);
        var output = new float[c.QueryElements];
        CachedAttentionKernels.Forward(Project(c, q), Cache(c, k), Cache(c, v), c.Mask, output, c.B, c.H, c.Tq, c.D, c.S, c.Offset, c.Scale);

        var e = NaiveAttention.Forward(c, TestData.ToDouble(q), TestData.ToDouble(k), TestData.ToDouble(v));
        Close(e.Output, AttentionLayouts.Split(c, output), ForwardTolerance, "output");
    }

    [Fact]
    public void Forward_QueryThatSeesNoKey_GivesZero()
    {
        // Batch 0 has every cached position masked; batch 1 sees its last two.
        var c = new AttentionCase(2, 2, 1, 4, 8, true, 3, AttentionCase.LeftPadding(4, 4, 2));
        var rng = new Random(7);
        float[] q = TestData.Normal(rng, c.QueryElements), k = TestData.Normal(rng, c.KeyElements), v = TestData.Normal(rng, c.KeyElements);
        var output = new float[c.QueryElements];
        Array.Fill(output, float.NaN);
        CachedAttentionKernels.Forward(Project(c, q), Cache(c, k), Cache(c, v), c.Mask, output, c.B, c.H, c.Tq, c.D, c.S, c.Offset, c.Scale);

        Assert.All(output.AsSpan(0, c.H * c.D).ToArray(), value => Assert.Equal(0f, value));
        Assert.Contains(output.AsSpan(c.H * c.D).ToArray(), value => value != 0f);
    }

    [Fact]
    public void Forward_WrongLengthsOrTooManyPositions_Throw()
    {
        // One row, one head of 4, two new positions, capacity 3.
        float[] qkv = new float[2 * 12], cache = new float[3 * 4], output = new float[2 * 4];
        CachedAttentionKernels.Forward(qkv, cache, cache, default, output, 1, 1, 2, 4, 3, 1, 0.5f);
        Assert.Throws<ArgumentException>(() => CachedAttentionKernels.Forward(qkv, cache, cache, default, output, 1, 1, 2, 4, 3, 2, 0.5f));
        Assert.Throws<ArgumentException>(() => CachedAttentionKernels.Forward(new float[23], cache, cache, default, output, 1, 1, 2, 4, 3, 0, 0.5f));
        Assert.Throws<ArgumentException>(() => CachedAttentionKernels.Forward(qkv, new float[11], cache, default, output, 1, 1, 2, 4, 3, 0, 0.5f));
        Assert.Throws<ArgumentException>(() => CachedAttentionKernels.Forward(qkv, cache, cache, new float[2], output, 1, 1, 2, 4, 3, 0, 0.5f));
        Assert.Throws<ArgumentException>(() => CachedAttentionKernels.Forward(qkv, cache, cache, default, new float[7], 1, 1, 2, 4, 3, 0, 0.5f));
    }

    // q [B, H, Tq, D] → the projection [B, Tq, 3, H, D], its k and v slots NaN (the kernel reads them from the cache).
    private static float[] Project(AttentionCase c, float[] q)
    {
        var nan = Enumerable.Repeat(float.NaN, q.Length).ToArray();
        return AttentionLayouts.Pack(c, q, nan, nan);
    }

    // [B, H, S, D] → the cache layout [B, S, H, D]; positions from Offset + Tq on are NaN (not written yet).
    private static float[] Cache(AttentionCase c, float[] x)
    {
        var cache = AttentionLayouts.Merge(c, x, c.S, c.Offset + c.Tq);
        int width = c.H * c.D;
        for (int b = 0; b < c.B; b++)
        {
            cache.AsSpan(((b * c.S) + c.Offset + c.Tq) * width, (c.S - c.Offset - c.Tq) * width).Fill(float.NaN);
        }

        return cache;
    }
}
