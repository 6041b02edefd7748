using Alignment.Kernels;
using Alignment.Tests.Kernels.Reference;

namespace Alignment.Tests.Kernels;

public sealed class TransposeKernelTests
{
    // Awkward sizes around the 8-row groups, and large ones that split the groups across threads.
    public static TheoryData<int, int> Sizes => new()
    {
        { 1, 1 }, { 1, 7 }, { 7, 1 }, { 8, 8 }, { 9, 17 }, { 33, 129 }, { 129, 33 }, { 200, 301 }, { 768, 77 },
    };

    [Theory]
    [MemberData(nameof(Sizes))]
    public void Transpose_AwkwardSizes_MatchesNaiveTranspose(int rows, int cols)
    {
        var rng = new Random((rows * 1000) + cols);
        float[] source = TestData.Normal(rng, rows * cols);
        var destination = new float[rows * cols];
        Array.Fill(destination, float.NaN);

        TransposeKernels.Transpose(source, rows, cols, destination);

        for (var r = 0; r < rows; r++)
        {
            for (var c = 0; c < cols; c++)
            {
                Assert.Equal(source[(r * cols) + c], destination[(c * rows) + r]);
            }
        }
    }

    [Fact]
    public void Transpose_BufferOfTheWrongLength_Throws()
    {
        Assert.Throws<ArgumentException>(() => TransposeKernels.Transpose(new float[12], 3, 5, new float[15]));
        Assert.Throws<ArgumentException>(() => TransposeKernels.Transpose(new float[15], 3, 5, new float[14]));
        Assert.Throws<ArgumentOutOfRangeException>(() => TransposeKernels.Transpose(new float[15], -3, 5, new float[15]));
    }
}
