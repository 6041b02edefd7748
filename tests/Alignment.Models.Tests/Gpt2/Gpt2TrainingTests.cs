using Alignment.Models.Gpt2;
using Alignment.Models.Tests.Testing;
using Alignment.Optim;

namespace Alignment.Models.Tests.Gpt2;

[Collection(PoolCounting.Name)]
public class Gpt2TrainingTests
{
    [Fact]
    public void TrainingStep_OnceWarm_AllocatesNoNewTensorStorage_AndLossFalls()
    {
        var model = new Gpt2LanguageModel(Config(maxPositions: 16, dropout: 0.1f), seed: 3);
        model.Train();
        var optimizer = new AdamW(model.NamedParameters(), new AdamWOptions { LearningRate = 1e-2 });
        var ids = new IntTensor(Enumerable.Range(0, 4 * 16).Select(i => (i * 7) % 40).ToArray(), 4, 16);
        var targets = new IntTensor(Enumerable.Range(0, 4 * 16).Select(i => ((i + 1) * 7) % 40).ToArray(), 4, 16);
        float Step()
        {
            using var scope = TensorScope.Begin();
            optimizer.ZeroGrad();
            var loss = Tensor.CrossEntropy(model.Forward(ids), targets);
            loss.Backward();
            GradientClipping.ClipGradNorm(model.Parameters(), 1.0);
            optimizer.Step();
            return loss.Item();
        }

        var first = Step();
        Step();
        var allocations = TensorPool.Allocations;
        var last = 0f;
        for (var i = 0; i < 20; i++)
        {
            last = Step();
        }

        Assert.Equal(allocations, TensorPool.Allocations);
        Assert.True(last < first / 2, $"loss {first} → {last}");
    }

    [Fact]
    public void TrainingSteps_OnBatchesOfVaryingLength_KeepTheTensorPoolBounded()
    {
        // Batches padded to their longest row change shape every step; the pool must not keep arrays of every length.
        var model = new Gpt2LanguageModel(Config(maxPositions: 64, dropout: 0f), seed: 3);
        var optimizer = new AdamW(model.NamedParameters(), new AdamWOptions { LearningRate = 1e-3 });
        void Step(int length)
        {
            var ids = new IntTensor(Enumerable.Range(0, 4 * length).Select(i => (i * 7) % 40).ToArray(), 4, length);
            using var scope = TensorScope.Begin();
            optimizer.ZeroGrad();
            Tensor.CrossEntropy(model.Forward(ids), ids).Backward();
            optimizer.Step();
        }

        TensorPool.Clear();
        Step(64);
        Step(64);
        var afterLongest = TensorPool.PooledBytes;
        var random = new Random(1);
        for (var i = 0; i < 150; i++)
        {
            Step(random.Next(2, 64));
        }

        // Unbounded, the pool would hold one set of arrays per length seen (dozens of times the longest step's).
        Assert.True(TensorPool.PooledBytes <= 3 * afterLongest, $"pooled {TensorPool.PooledBytes} bytes; {afterLongest} after the longest steps");
    }

    // A 2-layer, 32-wide model over 40 tokens.
    private static Gpt2Config Config(int maxPositions, float dropout) => new()
    {
        VocabSize = 40, MaxPositions = maxPositions, EmbeddingSize = 32, LayerCount = 2, HeadCount = 4,
        EmbeddingDropout = dropout, ResidualDropout = dropout, AttentionDropout = 0f, BosTokenId = 0, EosTokenId = 0,
    };
}
