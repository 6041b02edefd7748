using Alignment.Kernels;
using Alignment.Tests.Kernels.Reference;

namespace Alignment.Tests.Kernels;

public sealed class RowCompactionTests
{
    [Fact]
    public void FindLiveRows_CountsRowsWithAnyValueButZero()
    {
        const int cols = 19; // two vectors and a scalar tail
        var x = new float[7 * cols];
        x[(1 * cols) + 3] = 1e-30f;        // in the vector part
        x[(2 * cols) + 18] = -2f;          // in the scalar tail
        x[(3 * cols) + 5] = -0f;           // negative zero: not live
        x[(4 * cols) + 17] = float.NaN;    // NaN: live
        x[(6 * cols) + 0] = float.PositiveInfinity;
        var live = new int[7];

        int count = RowCompaction.FindLiveRows(x, 7, cols, live, limit: 7);

        Assert.Equal([1, 2, 4, 6], live[..count]);
    }

    [Fact]
    public void FindLiveRows_StopsBeyondTheLimit()
    {
        var x = new float[6 * 8];
        foreach (int r in new[] { 0, 2, 3, 5 })
        {
            x[r * 8] = 1f;
        }

        Assert.Equal(4, RowCompaction.FindLiveRows(x, 6, 8, new int[6], limit: 4));
        Assert.Equal(-1, RowCompaction.FindLiveRows(x, 6, 8, new int[6], limit: 3));
        Assert.Equal(0, RowCompaction.FindLiveRows(new float[6 * 8], 6, 8, new int[6], limit: 0));
    }

    [Fact]
    public void FindLiveRows_ShortBuffer_Throws() =>
        Assert.Throws<ArgumentException>(() => RowCompaction.FindLiveRows(new float[10], 2, 6, new int[2], limit: 2));

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void GatherThenScatter_MatchesRowByRowCopy(bool accumulate)
    {
        const int rows = 9, cols = 13;
        var rng = new Random(5);
        float[] src = TestData.Normal(rng, rows * cols);
        float[] before = TestData.Normal(rng, rows * cols);
        int[] live = [0, 3, 4, 8];

        var compact = new float[live.Length * cols];
        EmbeddingKernels.Forward(live, src, compact, rows, cols);
        float[] dst = (float[])before.Clone();
        RowCompaction.Scatter(compact, cols, live, rows, dst, accumulate);

        for (int r = 0; r < rows; r++)
        {
            for (int c = 0; c < cols; c++)
            {
                int i = (r * cols) + c;
                float fromSource = live.Contains(r) ? src[i] : 0f;
                float expected = accumulate ? before[i] + fromSource : fromSource;
                Assert.Equal(expected, dst[i]);
            }
        }
    }
}
