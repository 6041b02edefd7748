using Alignment.Kernels;
using Alignment.Tests.Kernels.Reference;

namespace Alignment.Tests.Kernels;

public sealed class ReductionKernelTests
{
    // Column counts around the 64-wide blocks and the 8-wide vectors; rows×cols large enough at the end to split
    // across threads.
    public static TheoryData<int, int, bool> SumRowsCases
    {
        get
        {
            var data = new TheoryData<int, int, bool>();
            foreach ((int rows, int cols) in new[] { (1, 1), (5, 7), (3, 8), (9, 63), (4, 64), (6, 65), (17, 135), (1024, 768), (300, 1000) })
            {
                data.Add(rows, cols, false);
                data.Add(rows, cols, true);
            }

            return data;
        }
    }

    [Theory]
    [MemberData(nameof(SumRowsCases))]
    public void SumRows_EqualsRowOrderScalarSumsBitForBit(int rows, int cols, bool accumulate)
    {
        var rng = new Random((rows * 31) + cols);
        float[] g = TestData.Normal(rng, rows * cols);
        float[] prior = TestData.Normal(rng, cols);
        float[] db = accumulate ? (float[])prior.Clone() : Enumerable.Repeat(float.NaN, cols).ToArray();

        ReductionKernels.SumRows(g, db, rows, cols, accumulate);

        for (int c = 0; c < cols; c++)
        {
            float expected = accumulate ? prior[c] : 0f;
            for (int r = 0; r < rows; r++)
            {
                expected += g[(r * cols) + c];
            }

            Assert.Equal(expected, db[c]);
        }
    }
}
