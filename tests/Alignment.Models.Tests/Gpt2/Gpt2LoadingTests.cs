using Alignment.Models.Gpt2;
using Alignment.Models.Heads;
using Alignment.Models.Reference;
using Alignment.Models.Tests.Testing;

namespace Alignment.Models.Tests.Gpt2;

/// <summary>Models built to receive loaded weights skip the random initialisation: their generators have drawn nothing.</summary>
public class Gpt2LoadingTests
{
    [Fact]
    public void ZeroInit_LeavesWeightsZero_AndDrawsNothing()
    {
        var model = new Gpt2LanguageModel(TinyGpt2.Config, seed: 5, initialize: false);

        Assert.Equal(new RandomGenerator(5).GetState(), model.GetRandomStates()["transformer.random"]);
        foreach (var (name, parameter) in model.NamedParameters())
        {
            var expected = name.Contains(".ln_", StringComparison.Ordinal) || name.StartsWith("ln_f", StringComparison.Ordinal)
                ? (name.EndsWith("weight", StringComparison.Ordinal) ? 1f : 0f)
                : 0f;
            Assert.All(parameter.ToArray(), v => Assert.Equal(expected, v));
        }
    }

    [Fact]
    public void LanguageModelFromPretrained_DrawsNoInitialWeights()
    {
        using var dir = new TempDirectory();
        var model = TinyGpt2.CreateLanguageModel();
        model.SavePretrained(dir.Path);

        var loaded = Gpt2LanguageModel.FromPretrained(dir.Path);

        Assert.Equal(new RandomGenerator(0).GetState(), loaded.GetRandomStates()["transformer.random"]);
        Assert.Equal(TinyGpt2.Logits(model, TinyGpt2.Ids()), TinyGpt2.Logits(loaded, TinyGpt2.Ids()));
    }

    [Fact]
    public void HeadModelsFromPretrained_DrawNoBackboneWeights()
    {
        using var dir = new TempDirectory();
        TinyGpt2.CreateLanguageModel().SavePretrained(dir.Path);

        var reward = RewardModel.FromPretrained(dir.Path, seed: 4);
        var policy = CausalLmWithValueHead.FromPretrained(dir.Path, seed: 4);

        Assert.Equal(new RandomGenerator(4).GetState(), reward.GetRandomStates()["transformer.random"]);
        Assert.Equal(new RandomGenerator(4).GetState(), policy.GetRandomStates()["transformer.random"]);
    }

    [Fact]
    public void ReferenceModel_DrawsNoInitialWeights()
    {
        var reference = ReferenceModel.CreateFrom(TinyGpt2.CreateLanguageModel(seed: 3));

        Assert.Equal(new RandomGenerator(0).GetState(), reference.GetRandomStates()["transformer.random"]);
    }

    [Fact]
    public void NamedRandomGenerators_OfTheModels_AreTheBackbonesAndTheHeads()
    {
        var backbone = TinyGpt2.CreateBackbone();

        Assert.Equal(["random"], backbone.NamedRandomGenerators().Select(g => g.Name));
        Assert.Equal(["transformer.random"], TinyGpt2.CreateLanguageModel().NamedRandomGenerators().Select(g => g.Name));
        Assert.Equal(["transformer.random", "v_head.random"], new RewardModel(backbone).NamedRandomGenerators().Select(g => g.Name));
        Assert.Equal(["transformer.random", "v_head.random"], new CausalLmWithValueHead(TinyGpt2.CreateLanguageModel()).NamedRandomGenerators().Select(g => g.Name));
    }
}
