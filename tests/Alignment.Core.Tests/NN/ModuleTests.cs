using Alignment.NN;

namespace Alignment.Tests.NN;

public class ModuleTests
{
    [Fact]
    public void NamedParameters_NestedModules_HaveDottedNamesInRegistrationOrder()
    {
        var net = new Net(width: 3, layers: 2);

        Assert.Equal(
            ["wte", "h.0.attn.weight", "h.0.attn.bias", "h.1.attn.weight", "h.1.attn.bias", "head.weight"],
            net.NamedParameters().Select(p => p.Name));
        Assert.Same(net.H[1].Attn.Weight, net.NamedParameters().Single(p => p.Name == "h.1.attn.weight").Parameter);
        Assert.All(net.Parameters(), p => Assert.True(p.RequiresGrad));
    }

    [Fact]
    public void NamedModules_PreOrder_IncludesSelfAsEmptyName()
    {
        var net = new Net(width: 3, layers: 1);

        Assert.Equal(["", "h", "h.0", "h.0.attn", "h.0.drop", "head"], net.NamedModules().Select(m => m.Name));
        Assert.Equal(["h", "head"], net.NamedChildren().Select(m => m.Name));
    }

    [Fact]
    public void ParameterCount_SumsElements()
    {
        var net = new Net(width: 3, layers: 2);

        Assert.Equal((5 * 3) + (2 * ((3 * 3) + 3)) + (2 * 3), net.ParameterCount);
    }

    [Fact]
    public void StateDict_HoldsParametersAndBuffers_InModuleOrder()
    {
        var net = new Net(width: 3, layers: 1);

        Assert.Equal(["wte", "h.0.mask", "h.0.attn.weight", "h.0.attn.bias", "head.weight"], net.StateDict().Keys);
        Assert.Equal(["h.0.mask"], net.NamedBuffers().Select(b => b.Name));
        Assert.False(net.H[0].Mask.RequiresGrad);
    }

    [Fact]
    public void LoadStateDict_RoundTrip_RestoresValues()
    {
        var source = new Net(width: 4, layers: 2, seed: 1);
        var target = new Net(width: 4, layers: 2, seed: 2);
        var snapshot = source.StateDict().ToDictionary(kv => kv.Key, kv => kv.Value.Clone());
        Assert.NotEqual(snapshot["head.weight"].ToArray(), target.Head.Weight.ToArray());

        var result = target.LoadStateDict(snapshot);

        Assert.True(result.IsExactMatch);
        foreach (var (key, tensor) in target.StateDict())
        {
            Assert.Equal(snapshot[key].ToArray(), tensor.ToArray());
        }
    }

    [Fact]
    public void LoadStateDict_StrictWithMissingAndUnexpectedKeys_ThrowsListingAllAndCopiesNothing()
    {
        var net = new Net(width: 3, layers: 1, seed: 1);
        var before = net.Wte.ToArray();
        var state = new Net(width: 3, layers: 1, seed: 2).StateDict().ToDictionary(kv => kv.Key, kv => kv.Value);
        state.Remove("head.weight");
        state.Remove("h.0.mask");
        state["lm_head.weight"] = Tensor.Zeros(2, 3);

        var ex = Assert.Throws<ArgumentException>(() => net.LoadStateDict(state));

        Assert.Contains("'head.weight'", ex.Message, StringComparison.Ordinal);
        Assert.Contains("'h.0.mask'", ex.Message, StringComparison.Ordinal);
        Assert.Contains("unexpected keys: 'lm_head.weight'", ex.Message, StringComparison.Ordinal);
        Assert.Equal(before, net.Wte.ToArray());
    }

    [Fact]
    public void LoadStateDict_ShapeMismatch_NamesKeyAndBothShapes()
    {
        var net = new Net(width: 3, layers: 1);
        var state = net.StateDict().ToDictionary(kv => kv.Key, kv => kv.Value);
        state["h.0.attn.weight"] = Tensor.Zeros(3, 4);

        var ex = Assert.Throws<ArgumentException>(() => net.LoadStateDict(state, strict: false));

        Assert.Contains("'h.0.attn.weight'", ex.Message, StringComparison.Ordinal);
        Assert.Contains("[3, 4]", ex.Message, StringComparison.Ordinal);
        Assert.Contains("[3, 3]", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void LoadStateDict_NonStrict_LoadsMatchingKeysAndReportsTheRest()
    {
        var net = new Net(width: 3, layers: 1, seed: 1);
        var other = new Net(width: 3, layers: 1, seed: 2);
        var state = new Dictionary<string, Tensor>
        {
            ["wte"] = other.Wte.Clone(),
            ["extra"] = Tensor.Zeros(1),
        };

        var result = net.LoadStateDict(state, strict: false);

        Assert.Equal(["h.0.mask", "h.0.attn.weight", "h.0.attn.bias", "head.weight"], result.MissingKeys);
        Assert.Equal(["extra"], result.UnexpectedKeys);
        Assert.False(result.IsExactMatch);
        Assert.Equal(other.Wte.ToArray(), net.Wte.ToArray());
    }

    [Fact]
    public void TiedParameter_AppearsOnceInParameters_ButUnderBothNamesInStateDict()
    {
        var tied = new Tied();

        Assert.Equal(["wte"], tied.NamedParameters().Select(p => p.Name));
        Assert.Equal(["wte", "lm_head"], tied.StateDict().Keys);
        Assert.Equal(6, tied.ParameterCount);
    }

    [Fact]
    public void Freeze_StopsGradients_AndUnfreezeRestoresThem()
    {
        var net = new Net(width: 3, layers: 2);
        net.Eval();
        var x = Tensor.Ones(2, 3);
        net.Forward(x).Sum().Backward();
        net.H[0].Freeze();

        net.Forward(x).Sum().Backward();

        Assert.All(net.H[0].Parameters(), p =>
        {
            Assert.False(p.RequiresGrad);
            Assert.Null(p.Grad);
        });
        Assert.All(net.H[1].Parameters(), p => Assert.NotNull(p.Grad));
        net.H[0].Unfreeze();
        net.Forward(x).Sum().Backward();
        Assert.All(net.Parameters().Skip(1), p => Assert.NotNull(p.Grad));
    }

    [Fact]
    public void ZeroGrad_ZeroesInPlace_KeepingTheBuffer()
    {
        var net = new Net(width: 3, layers: 1);
        net.Eval();
        net.Forward(Tensor.Ones(2, 3)).Sum().Backward();
        var grad = net.Head.Weight.Grad;

        net.ZeroGrad();

        Assert.Same(grad, net.Head.Weight.Grad);
        Assert.All(grad!.ToArray(), v => Assert.Equal(0f, v));
        Assert.Null(net.Wte.Grad);
    }

    [Fact]
    public void TrainAndEval_PropagateToAllDescendants()
    {
        var net = new Net(width: 3, layers: 2);
        Assert.All(net.NamedModules(), m => Assert.True(m.Module.IsTraining));

        net.Eval();
        Assert.All(net.NamedModules(), m => Assert.False(m.Module.IsTraining));

        net.Train();
        Assert.All(net.NamedModules(), m => Assert.True(m.Module.IsTraining));
    }

    [Fact]
    public void RegisterParameter_InsideScope_OutlivesTheScope()
    {
        Linear layer;
        using (TensorScope.Begin())
        {
            layer = new Linear(3, 2, random: new RandomGenerator(3));
        }

        Assert.Equal(6, layer.Weight.ToArray().Length);
        Assert.Equal(2, layer.Bias!.ToArray().Length);
    }

    [Fact]
    public void Register_InvalidOrDuplicateName_Throws()
    {
        Assert.Throws<ArgumentException>(() => new Named("a", "a"));
        Assert.Throws<ArgumentException>(() => new Named("a.b", "c"));
        Assert.Throws<ArgumentException>(() => new Named(string.Empty, "c"));
    }

    private sealed class Tied : Module
    {
        public Tied()
        {
            var w = RegisterParameter("wte", Tensor.Zeros(2, 3));
            RegisterParameter("lm_head", w);
        }
    }

    private sealed class Named : Module
    {
        public Named(string first, string second)
        {
            RegisterParameter(first, Tensor.Zeros(1));
            RegisterBuffer(second, Tensor.Zeros(1));
        }
    }
}
