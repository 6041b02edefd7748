using Alignment.Models.Heads;
using Alignment.Models.Reference;
using Alignment.Models.Tests.Testing;
using Alignment.Optim;

namespace Alignment.Models.Tests.Reference;

public class ReferenceModelTests
{
    [Fact]
    public void CreateFrom_CopiesTheWeights_FrozenAndInEvaluationMode()
    {
        var policy = TinyGpt2.CreateLanguageModel();

        var reference = ReferenceModel.CreateFrom(policy);

        Assert.Equal(policy.Config, reference.Config);
        Assert.Equal(TinyGpt2.Logits(policy, TinyGpt2.Ids()), TinyGpt2.Logits(reference, TinyGpt2.Ids()));
        Assert.False(reference.IsTraining);
        Assert.All(reference.NamedModules(), m => Assert.False(m.Module.IsTraining));
        Assert.All(reference.Parameters(), p => Assert.False(p.RequiresGrad));
        Assert.True(policy.IsTraining);
        Assert.All(policy.Parameters(), p => Assert.True(p.RequiresGrad));
        var policyTensors = policy.Parameters().ToHashSet(ReferenceEqualityComparer.Instance);
        Assert.All(reference.Parameters(), p => Assert.DoesNotContain(p, policyTensors));
    }

    [Fact]
    public void CreateFrom_OutputsCarryNoGraph()
    {
        var reference = ReferenceModel.CreateFrom(TinyGpt2.CreateLanguageModel());

        var logits = reference.Forward(TinyGpt2.Ids());

        Assert.False(logits.RequiresGrad);
    }

    [Fact]
    public void CreateFrom_PolicyTrainedAfterwards_ReferenceUnchanged()
    {
        var policy = TinyGpt2.CreateLanguageModel();
        var reference = ReferenceModel.CreateFrom(policy);
        var before = TinyGpt2.Logits(reference, TinyGpt2.Ids());
        var optimizer = new Sgd(policy.NamedParameters(), learningRate: 0.5);

        for (var step = 0; step < 3; step++)
        {
            optimizer.ZeroGrad();
            var logits = policy.Forward(TinyGpt2.Ids());
            (logits * logits).Mean().Backward();
            optimizer.Step();
        }

        Assert.NotEqual(before, TinyGpt2.Logits(policy, TinyGpt2.Ids()));
        Assert.Equal(before, TinyGpt2.Logits(reference, TinyGpt2.Ids()));
        Assert.All(reference.Parameters(), p => Assert.Null(p.Grad));
    }

    [Fact]
    public void CreateFrom_ValueHeadPolicy_CopiesItsLanguageModel()
    {
        var policy = new CausalLmWithValueHead(TinyGpt2.CreateLanguageModel());

        var reference = ReferenceModel.CreateFrom(policy);

        Assert.Equal(TinyGpt2.Logits(policy.LanguageModel, TinyGpt2.Ids()), TinyGpt2.Logits(reference, TinyGpt2.Ids()));
        Assert.Equal(policy.LanguageModel.NamedParameters().Select(p => p.Name), reference.NamedParameters().Select(p => p.Name));
    }
}
