using Alignment.Kernels;
using Alignment.Tests.Kernels.Reference;
using static Alignment.Tests.Kernels.Reference.KernelAssert;

namespace Alignment.Tests.Kernels;

public sealed class EmbeddingKernelTests
{
    public static TheoryData<int, int, int> Sizes => new() { { 1, 1, 1 }, { 7, 5, 33 }, { 40, 50, 129 }, { 300, 17, 130 } };

    [Theory]
    [MemberData(nameof(Sizes))]
    public void Forward_AwkwardSizes_MatchesReference(int n, int vocab, int dim)
    {
        var rng = new Random((n * 1000) + dim);
        int[] ids = TestData.Ints(rng, n, vocab);
        float[] table = TestData.Normal(rng, vocab * dim);
        var output = new float[n * dim];

        EmbeddingKernels.Forward(ids, table, output, vocab, dim);

        Close(NaiveEmbedding.Forward(ids, TestData.ToDouble(table), dim), output, 0, "output");
    }

    [Theory]
    [MemberData(nameof(Sizes))]
    public void Backward_RepeatedIds_MatchesReferenceAndAccumulates(int n, int vocab, int dim)
    {
        var rng = new Random((n * 1000) + dim + 1);
        int[] ids = TestData.Ints(rng, n, vocab);
        float[] doutput = TestData.Normal(rng, n * dim);
        float[] prior = TestData.Normal(rng, vocab * dim);
        float[] dtable = (float[])prior.Clone();

        EmbeddingKernels.Backward(ids, doutput, dtable, vocab, dim);

        Close(TestData.Add(prior, NaiveEmbedding.Backward(ids, TestData.ToDouble(doutput), vocab, dim)), dtable, BackwardTolerance, "dtable");
    }

    [Theory]
    [InlineData(-1)]
    [InlineData(5)]
    public void ForwardAndBackward_IdOutOfRange_ThrowsWithPositionAndId(int bad)
    {
        int[] ids = [0, 4, bad];
        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => EmbeddingKernels.Forward(ids, new float[10], new float[6], 5, 2));
        Assert.Contains("[2]", ex.Message);
        Assert.Contains(bad.ToString(), ex.Message);
        var dtable = new float[10];
        Assert.Throws<ArgumentOutOfRangeException>(() => EmbeddingKernels.Backward(ids, new float[6], dtable, 5, 2));
        Assert.All(dtable, v => Assert.Equal(0f, v));
    }

    [Fact]
    public void Backward_Reference_MatchesFiniteDifferences()
    {
        const int vocab = 4, dim = 3;
        var rng = new Random(23);
        int[] ids = [1, 3, 1, 0, 1];
        double[] table = TestData.ToDouble(TestData.Normal(rng, vocab * dim));
        double[] w = TestData.ToDouble(TestData.Normal(rng, ids.Length * dim));
        double Loss(double[] t) => TestData.Weighted(NaiveEmbedding.Forward(ids, t, dim), w);

        FiniteDifference.Check(Loss, table, NaiveEmbedding.Backward(ids, w, vocab, dim), "dtable");

        var dtable = new float[table.Length];
        EmbeddingKernels.Backward(ids, TestData.ToFloat(w), dtable, vocab, dim);
        Close(FiniteDifference.Gradient(Loss, table), dtable, BackwardTolerance, "kernel dtable");
    }
}
