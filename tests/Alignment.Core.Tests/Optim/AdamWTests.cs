using Alignment.Optim;

namespace Alignment.Tests.Optim;

public class AdamWTests
{
    [Fact]
    public void Options_Defaults_MatchPyTorch()
    {
        var options = new AdamWOptions();

        Assert.Equal(1e-3, options.LearningRate);
        Assert.Equal(0.9, options.Beta1);
        Assert.Equal(0.999, options.Beta2);
        Assert.Equal(1e-8, options.Epsilon);
        Assert.Equal(0.01, options.WeightDecay);
    }

    [Fact]
    public void Options_Invalid_ThrowsListingEveryProblem()
    {
        var options = new AdamWOptions { LearningRate = -1, Beta1 = 1, Beta2 = -0.1, Epsilon = 0, WeightDecay = double.NaN };
        var p = Parameter("w", 2, 2);

        var ex = Assert.Throws<ArgumentException>(() => new AdamW([p], options));

        foreach (var name in new[] { "LearningRate", "Beta1", "Beta2", "Epsilon", "WeightDecay" })
        {
            Assert.Contains(name, ex.Message, StringComparison.Ordinal);
        }
    }

    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    public void AdamW_Steps_MatchHandComputed(int steps)
    {
        var random = new RandomGenerator(11);
        var weight = Parameter("layer.weight", 2, 9);     // decayed: 18 elements, vector + tail
        var bias = Parameter("layer.bias", 9);            // not decayed: 1-D
        var w0 = weight.Parameter.ToArray();
        var b0 = bias.Parameter.ToArray();
        var options = new AdamWOptions { LearningRate = 0.05, Beta1 = 0.8, Beta2 = 0.95, Epsilon = 1e-6, WeightDecay = 0.1 };
        var optimizer = new AdamW([weight, bias], options);
        var wGrads = new float[steps][];
        var bGrads = new float[steps][];

        for (var t = 0; t < steps; t++)
        {
            wGrads[t] = Reference.Values(random, 18);
            bGrads[t] = Reference.Values(random, 9, 0.01f);
            weight.Parameter.Grad = Tensor.FromArray(wGrads[t], 2, 9);
            bias.Parameter.Grad = Tensor.FromArray(bGrads[t], 9);
            optimizer.Step();
        }

        Reference.AssertClose(Reference.AdamW(w0, wGrads, 0.05, 0.8, 0.95, 1e-6, 0.1), weight.Parameter.ToArray(), 2e-6);
        Reference.AssertClose(Reference.AdamW(b0, bGrads, 0.05, 0.8, 0.95, 1e-6, 0), bias.Parameter.ToArray(), 2e-6);
        Assert.Equal(steps, optimizer.StepCount);
    }

    [Fact]
    public void AdamW_LargeParameterSplitAcrossThreads_MatchesHandComputed()
    {
        // 300×337 elements: far above the size at which the update is split across threads, ragged chunk ends.
        var random = new RandomGenerator(12);
        var weight = Parameter("big.weight", 300, 337);
        var w0 = weight.Parameter.ToArray();
        var optimizer = new AdamW([weight], new AdamWOptions { LearningRate = 0.01, WeightDecay = 0.1 });
        var grads = new float[2][];
        for (var t = 0; t < grads.Length; t++)
        {
            grads[t] = Reference.Values(random, 300 * 337);
            weight.Parameter.Grad = Tensor.FromArray(grads[t], 300, 337);
            optimizer.Step();
        }

        Reference.AssertClose(Reference.AdamW(w0, grads, 0.01, 0.9, 0.999, 1e-8, 0.1), weight.Parameter.ToArray(), 2e-6);
    }

    [Fact]
    public void DefaultNoDecay_ExcludesBiasesNormsAndEmbeddings()
    {
        string[] excluded = ["wte", "wpe", "h.0.ln_1.weight", "h.0.ln_1.bias", "ln_f.weight", "h.0.attn.c_attn.bias", "model.embed_tokens.weight", "encoder.LayerNorm.weight"];
        var parameters = excluded.Select(n => Parameter(n, n.Contains("bias", StringComparison.Ordinal) || n.Contains("ln", StringComparison.Ordinal) ? new[] { 4 } : new[] { 4, 4 }))
            .Append(Parameter("h.0.attn.c_attn.weight", 4, 12))
            .Append(Parameter("lm_head.weight", 5, 4))
            .ToList();

        var optimizer = new AdamW(parameters);

        Assert.Equal(["h.0.attn.c_attn.weight", "lm_head.weight"], optimizer.ParameterGroups[0].Parameters.Select(p => p.Name));
        Assert.Equal(0.01, optimizer.ParameterGroups[0].WeightDecay);
        Assert.Equal(excluded, optimizer.ParameterGroups[1].Parameters.Select(p => p.Name));
        Assert.Equal(0, optimizer.ParameterGroups[1].WeightDecay);
    }

    [Fact]
    public void ZeroGradients_OnlyDecayedParametersShrink()
    {
        var weight = Parameter("fc.weight", 3, 3);
        var bias = Parameter("fc.bias", 3);
        var w0 = weight.Parameter.ToArray();
        var b0 = bias.Parameter.ToArray();
        var optimizer = new AdamW([weight, bias], new AdamWOptions { LearningRate = 0.1, WeightDecay = 0.5 });
        weight.Parameter.Grad = Tensor.Zeros(3, 3);
        bias.Parameter.Grad = Tensor.Zeros(3);

        optimizer.Step();

        Assert.Equal(w0.Select(v => v * (float)(1 - (0.1 * 0.5))), weight.Parameter.ToArray());
        Assert.Equal(b0, bias.Parameter.ToArray());
    }

    [Fact]
    public void Step_SkipsParametersWithoutGradient()
    {
        var used = Parameter("used", 2, 2);
        var unused = Parameter("unused", 2, 2);
        var before = unused.Parameter.ToArray();
        var optimizer = new AdamW([used, unused]);
        used.Parameter.Grad = Tensor.Ones(2, 2);

        optimizer.Step();

        Assert.Equal(before, unused.Parameter.ToArray());
        var state = optimizer.StateDict();
        Assert.Equal(["used"], state.ParameterSteps.Keys);
        Assert.Equal(["used.exp_avg", "used.exp_avg_sq"], state.Buffers.Keys.Order());
    }

    [Fact]
    public void ZeroGrad_ZeroesInPlace()
    {
        var p = Parameter("p", 3);
        var optimizer = new AdamW([p]);
        var grad = Tensor.Ones(3);
        p.Parameter.Grad = grad;

        optimizer.ZeroGrad();

        Assert.Same(grad, p.Parameter.Grad);
        Assert.Equal([0f, 0f, 0f], grad.ToArray());
    }

    [Fact]
    public void Constructor_DuplicateNameOrTensor_Throws()
    {
        var a = Parameter("a", 2);
        Assert.Throws<ArgumentException>(() => new AdamW([a, ("a", Tensor.Zeros(2))]));
        Assert.Throws<ArgumentException>(() => new AdamW([a, ("b", a.Parameter)]));
        Assert.Throws<ArgumentException>(() => new AdamW(Array.Empty<(string, Tensor)>()));
    }

    internal static (string Name, Tensor Parameter) Parameter(string name, params int[] shape)
    {
        var t = Tensor.RandomNormal(new RandomGenerator((ulong)name.Length + 100), 0f, 1f, shape);
        t.RequiresGrad = true;
        return (name, t);
    }
}
