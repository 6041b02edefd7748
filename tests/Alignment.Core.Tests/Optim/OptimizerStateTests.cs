using Alignment.NN;
using Alignment.Optim;
using Alignment.Tests.NN;

namespace Alignment.Tests.Optim;

public class OptimizerStateTests
{
    [Fact]
    public void AdamW_StateDictLoadedIntoFreshOptimizer_GivesBitEqualSteps()
    {
        var options = new AdamWOptions { LearningRate = 0.01, WeightDecay = 0.1 };
        var original = new TinyMlp(3, 10, 2, new RandomGenerator(1));
        var optimizer = new AdamW(original.NamedParameters(), options);
        var random = new RandomGenerator(2);
        var grads = Enumerable.Range(0, 5).Select(_ => original.Parameters().Select(p => Reference.Values(random, p.ElementCount)).ToArray()).ToArray();
        for (var t = 0; t < 2; t++)
        {
            SetGrads(original, grads[t]);
            optimizer.Step();
        }

        optimizer.LearningRate = 0.003;
        var state = optimizer.StateDict();
        var resumed = new TinyMlp(3, 10, 2, new RandomGenerator(99));
        resumed.LoadStateDict(original.StateDict());
        var resumedOptimizer = new AdamW(resumed.NamedParameters(), options);
        resumedOptimizer.LoadStateDict(state);

        Assert.Equal(0.003, resumedOptimizer.LearningRate);
        Assert.Equal(2, resumedOptimizer.StepCount);
        for (var t = 2; t < 5; t++)
        {
            SetGrads(original, grads[t]);
            SetGrads(resumed, grads[t]);
            optimizer.Step();
            resumedOptimizer.Step();
        }

        foreach (var ((name, a), (_, b)) in original.NamedParameters().Zip(resumed.NamedParameters()))
        {
            Assert.True(a.ToArray().SequenceEqual(b.ToArray()), $"'{name}' differs after resuming.");
        }

        Assert.Equal(optimizer.StateDict().Buffers.Values.SelectMany(v => v), resumedOptimizer.StateDict().Buffers.Values.SelectMany(v => v));
    }

    [Fact]
    public void StateDict_IsASnapshot()
    {
        var p = AdamWTests.Parameter("p", 4);
        var optimizer = new AdamW([p]);
        p.Parameter.Grad = Tensor.Ones(4);
        optimizer.Step();
        var state = optimizer.StateDict();
        var saved = state.Buffers["p.exp_avg"].ToArray();

        optimizer.Step();

        Assert.Equal(saved, state.Buffers["p.exp_avg"]);
        Assert.Equal(1, state.Step);
        Assert.Equal(1, state.ParameterSteps["p"]);
    }

    [Fact]
    public void LoadStateDict_MismatchedState_ThrowsListingEveryProblem()
    {
        var p = AdamWTests.Parameter("p", 4);
        var optimizer = new AdamW([p]);
        p.Parameter.Grad = Tensor.Ones(4);
        optimizer.Step();
        var state = optimizer.StateDict();
        state.Buffers["p.exp_avg"] = new float[3];
        state.Buffers.Remove("p.exp_avg_sq");
        state.Buffers["q.exp_avg"] = new float[4];
        state.ParameterSteps["q"] = 1;

        var ex = Assert.Throws<ArgumentException>(() => optimizer.LoadStateDict(state));

        Assert.Contains("'p.exp_avg' has 3 values, the parameter has 4", ex.Message, StringComparison.Ordinal);
        Assert.Contains("'p.exp_avg_sq' is missing", ex.Message, StringComparison.Ordinal);
        Assert.Contains("unexpected parameter 'q'", ex.Message, StringComparison.Ordinal);
        Assert.Contains("unexpected buffer 'q.exp_avg'", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void LoadStateDict_FromAnotherOptimizerType_Throws()
    {
        var p = AdamWTests.Parameter("p", 4);
        var state = new Sgd([p], 0.1).StateDict();

        var ex = Assert.Throws<ArgumentException>(() => new AdamW([p]).LoadStateDict(state));

        Assert.Contains("'Sgd'", ex.Message, StringComparison.Ordinal);
    }

    private static void SetGrads(Module module, float[][] grads)
    {
        foreach (var (p, g) in module.Parameters().Zip(grads))
        {
            p.Grad = Tensor.FromArray(g, p.Shape.ToArray());
        }
    }
}
