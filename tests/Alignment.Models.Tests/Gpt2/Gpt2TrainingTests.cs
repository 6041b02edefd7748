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
        var config = new Gpt2Config
        {
            VocabSize = 40, MaxPositions = 16, EmbeddingSize = 32, LayerCount = 2, HeadCount = 4,
            EmbeddingDropout = 0.1f, ResidualDropout = 0.1f, AttentionDropout = 0f, BosTokenId = 0, EosTokenId = 0,
        };
        var model = new Gpt2LanguageModel(config, seed: 3);
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
}
