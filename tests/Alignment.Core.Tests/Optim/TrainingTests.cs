using Alignment.Optim;
using Alignment.Tests.NN;
using Alignment.Tests.Testing;

namespace Alignment.Tests.Optim;

[Collection(PoolCounting.Name)]
public class TrainingTests
{
    private static readonly float[] XorInputs = [0, 0, 0, 1, 1, 0, 1, 1];
    private static readonly float[] XorTargets = [0, 1, 1, 0];

    [Fact]
    public void TinyMlp_AdamWOnXor_LossFallsBelowATenthOfInitial()
    {
        var model = new TinyMlp(2, 8, 1, new RandomGenerator(42));
        var optimizer = new AdamW(model.NamedParameters(), new AdamWOptions { LearningRate = 0.05, WeightDecay = 0 });
        var initial = TrainStep(model, optimizer);
        var final = initial;
        for (var step = 1; step < 300; step++)
        {
            final = TrainStep(model, optimizer);
        }

        Assert.True(final < 0.1f * initial, $"Loss went from {initial} to {final}.");
        Assert.True(final < 0.01f, $"Final loss {final}.");
    }

    [Fact]
    public void TinyMlp_OneStep_ChangesEveryParameter()
    {
        var model = new TinyMlp(2, 8, 1, new RandomGenerator(43));
        var optimizer = new AdamW(model.NamedParameters());
        var before = model.NamedParameters().ToDictionary(p => p.Name, p => p.Parameter.ToArray());

        TrainStep(model, optimizer);

        foreach (var (name, parameter) in model.NamedParameters())
        {
            var after = parameter.ToArray();
            Assert.True(after.Zip(before[name]).All(pair => pair.First != pair.Second), $"'{name}' has unchanged elements.");
        }
    }

    [Fact]
    public void TrainingSteps_AfterWarmUp_AllocateNoNewStorage()
    {
        var model = new TinyMlp(2, 8, 1, new RandomGenerator(44));
        var optimizer = new AdamW(model.NamedParameters());
        TrainStep(model, optimizer);
        TrainStep(model, optimizer);
        var before = TensorPool.Allocations;

        for (var i = 0; i < 5; i++)
        {
            TrainStep(model, optimizer);
        }

        Assert.Equal(before, TensorPool.Allocations);
    }

    /// <summary>One step of mean-squared error on XOR in its own scope; returns the loss before the update.</summary>
    private static float TrainStep(TinyMlp model, Optimizer optimizer)
    {
        using var scope = TensorScope.Begin();
        var x = Tensor.FromArray(XorInputs, 4, 2);
        var y = Tensor.FromArray(XorTargets, 4, 1);
        var loss = Tensor.Square(model.Forward(x) - y).Mean();
        optimizer.ZeroGrad();
        loss.Backward();
        optimizer.Step();
        return loss.Item();
    }
}
