using Alignment.Models.Gpt2;
using Alignment.Models.Heads;
using Alignment.Models.Tests.Testing;

namespace Alignment.Models.Tests.Heads;

public class CausalLmWithValueHeadTests
{
    private static readonly IntTensor LeftPaddingMask = new([0, 0, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1], 2, 6);

    [Fact]
    public void NamedParameters_AreTheLanguageModelsPlusTheHead()
    {
        var lm = TinyGpt2.CreateLanguageModel();
        var model = new CausalLmWithValueHead(lm);

        var names = model.NamedParameters().Select(p => p.Name).ToList();

        Assert.Equal([.. lm.NamedParameters().Select(p => p.Name), "v_head.summary.weight", "v_head.summary.bias"], names);
        Assert.Contains("transformer.h.1.mlp.c_proj.weight", names);
    }

    [Fact]
    public void Forward_LogitsEqualTheLanguageModels_AndValuesAreOnePerToken()
    {
        var lm = TinyGpt2.CreateLanguageModel();
        var model = new CausalLmWithValueHead(lm, seed: 4);
        model.Eval();
        using var _ = Tensor.NoGrad();
        var ids = TinyGpt2.Ids();

        var output = model.Forward(ids, LeftPaddingMask);

        Assert.Equal(lm.Forward(ids, LeftPaddingMask).ToArray(), output.Logits.ToArray());
        Assert.Equal([2, 6, 50], output.Logits.Shape.ToArray());
        Assert.Equal([2, 6], output.Values.Shape.ToArray());
        Assert.Equal(model.Head.Forward(lm.Transformer.Forward(ids, LeftPaddingMask)).ToArray(), output.Values.ToArray());
        Assert.Equal(output.Values.ToArray(), model.ComputeValues(model.ForwardHidden(ids, LeftPaddingMask)).ToArray());
    }

    [Fact]
    public void Backward_ReachesEveryParameter()
    {
        var model = new CausalLmWithValueHead(TinyGpt2.CreateLanguageModel(), headDropout: 0.1f);

        var output = model.Forward(TinyGpt2.Ids(), LeftPaddingMask);
        ((output.Logits * output.Logits).Mean() + output.Values.Sum()).Backward();

        Assert.All(model.NamedParameters(), p => Assert.True(p.Parameter.Grad is not null, $"{p.Name} has no gradient"));
    }

    [Fact]
    public void FreezeBackbone_TrainsOnlyTheHead()
    {
        var model = new CausalLmWithValueHead(TinyGpt2.CreateLanguageModel());
        model.FreezeBackbone();

        model.Forward(TinyGpt2.Ids()).Values.Sum().Backward();

        Assert.All(model.Backbone.Parameters(), p => Assert.Null(p.Grad));
        Assert.All(model.Head.Parameters(), p => Assert.NotNull(p.Grad));
    }

    [Fact]
    public void SavePretrained_ThenFromPretrained_GivesIdenticalLogitsAndValues()
    {
        using var dir = new TempDirectory();
        var model = new CausalLmWithValueHead(TinyGpt2.CreateLanguageModel(), seed: 4);
        model.Head.Summary.Bias!.CopyFrom([-0.5f]);
        model.Eval();

        model.SavePretrained(dir.Path);
        var loaded = CausalLmWithValueHead.FromPretrained(dir.Path, seed: 99);

        var (expected, actual) = (Outputs(model, LeftPaddingMask), Outputs(loaded, LeftPaddingMask));
        Assert.Equal(expected.Logits, actual.Logits);
        Assert.Equal(expected.Values, actual.Values);
        Assert.False(loaded.IsTraining);
    }

    [Fact]
    public void FromPretrained_PlainGpt2Checkpoint_LoadsThePolicyAndSeedsTheHead()
    {
        using var dir = new TempDirectory();
        var lm = TinyGpt2.CreateLanguageModel();
        lm.SavePretrained(dir.Path);

        var loaded = CausalLmWithValueHead.FromPretrained(dir.Path, seed: 8);

        Assert.Equal(TinyGpt2.Logits(lm, TinyGpt2.Ids()), Outputs(loaded).Logits);
        Assert.Equal(new CausalLmWithValueHead(TinyGpt2.CreateLanguageModel(seed: 5), seed: 8).Head.Summary.Weight.ToArray(), loaded.Head.Summary.Weight.ToArray());
    }

    [Fact]
    public void LanguageModelFromPretrained_OfAValueHeadCheckpoint_ReportsTheHeadKeys()
    {
        using var dir = new TempDirectory();
        new CausalLmWithValueHead(TinyGpt2.CreateLanguageModel()).SavePretrained(dir.Path);

        var error = Assert.Throws<InvalidDataException>(() => Gpt2LanguageModel.FromPretrained(dir.Path));

        Assert.Contains("unexpected keys: v_head.summary.bias, v_head.summary.weight", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void CreateReference_IsNotChangedByLaterPolicyUpdates()
    {
        var model = new CausalLmWithValueHead(TinyGpt2.CreateLanguageModel());
        var reference = model.CreateReference();
        var before = TinyGpt2.Logits(reference, TinyGpt2.Ids());
        Assert.Equal(Outputs(model).Logits, before);

        foreach (var p in model.Parameters())
        {
            p.CopyFrom(p.ToArray().Select(v => v + 0.01f).ToArray());
        }

        Assert.NotEqual(before, Outputs(model).Logits);
        Assert.Equal(before, TinyGpt2.Logits(reference, TinyGpt2.Ids()));
        Assert.All(reference.Parameters(), p => Assert.False(p.RequiresGrad));
    }

    private static (float[] Logits, float[] Values) Outputs(CausalLmWithValueHead model, IntTensor? mask = null)
    {
        using var _ = Tensor.NoGrad();
        var output = model.Forward(TinyGpt2.Ids(), mask);
        return (output.Logits.ToArray(), output.Values.ToArray());
    }
}
