using Alignment.Kernels;
using Alignment.Tests.Kernels.Reference;
using static Alignment.Tests.Kernels.Reference.KernelAssert;

namespace Alignment.Tests.Kernels;

public sealed class GemvOpsTests
{
    public static TheoryData<int, int> Sizes => new() { { 1, 1 }, { 3, 7 }, { 5, 8 }, { 9, 33 }, { 13, 64 }, { 6, 129 } };

    [Theory]
    [MemberData(nameof(Sizes))]
    public void DotRows_AwkwardSizes_MatchesReference(int count, int d)
    {
        var rng = new Random((count * 100) + d);
        float[] vector = TestData.Normal(rng, d);
        float[] rows = TestData.Normal(rng, count * d);
        var output = new float[count];

        GemvOps.DotRows(vector, rows, output, 0.5f);

        var expected = new double[count];
        for (int j = 0; j < count; j++)
        {
            for (int k = 0; k < d; k++)
            {
                expected[j] += 0.5 * vector[k] * rows[(j * d) + k];
            }
        }

        Close(expected, output, ForwardTolerance, "output");
    }

    [Theory]
    [MemberData(nameof(Sizes))]
    public void AccumulateRows_AwkwardSizesWithZeroWeights_MatchesReferenceAndAccumulates(int count, int d)
    {
        var rng = new Random((count * 100) + d + 1);
        float[] weights = TestData.Normal(rng, count);
        weights[0] = 0f;
        float[] rows = TestData.Normal(rng, count * d);
        float[] prior = TestData.Normal(rng, d);
        float[] dest = (float[])prior.Clone();

        GemvOps.AccumulateRows(weights, rows, dest);

        double[] expected = TestData.ToDouble(prior);
        for (int j = 0; j < count; j++)
        {
            for (int k = 0; k < d; k++)
            {
                expected[k] += (double)weights[j] * rows[(j * d) + k];
            }
        }

        Close(expected, dest, ForwardTolerance, "dest");
    }

    [Theory]
    [InlineData(0, 130)]
    [InlineData(64, 130)]
    [InlineData(3, 75)]
    [InlineData(40, 40)]
    public void AccumulateRows_ColumnRange_UpdatesOnlyThoseColumns(int start, int end)
    {
        const int count = 5, d = 130;
        var rng = new Random(start + end);
        float[] weights = TestData.Normal(rng, count);
        float[] rows = TestData.Normal(rng, count * d);
        float[] prior = TestData.Normal(rng, d);
        float[] dest = (float[])prior.Clone();

        GemvOps.AccumulateRows(weights, rows, dest, start, end);

        for (int k = 0; k < d; k++)
        {
            double expected = prior[k];
            for (int j = 0; k >= start && k < end && j < count; j++)
            {
                expected += (double)weights[j] * rows[(j * d) + k];
            }

            Assert.True(Math.Abs(expected - dest[k]) <= ForwardTolerance * (1 + Math.Abs(expected)), $"dest[{k}]: expected {expected}, got {dest[k]}");
            if (k < start || k >= end)
            {
                Assert.Equal(prior[k], dest[k]);
            }
        }
    }

    [Theory]
    [InlineData(-1, 4)]
    [InlineData(5, 4)]
    [InlineData(0, 9)]
    public void AccumulateRows_RangeOutsideDest_Throws(int start, int end) =>
        Assert.Throws<ArgumentOutOfRangeException>(() => GemvOps.AccumulateRows(new float[2], new float[16], new float[8], start, end));
}
