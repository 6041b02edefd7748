using Alignment.NN;

namespace Alignment.Tests.NN;

public class ModuleRandomGeneratorTests
{
    [Fact]
    public void NamedRandomGenerators_SharedGenerator_IsListedOnceUnderTheFirstName()
    {
        // Every block's dropout draws from the net's one generator.
        var net = new Net(width: 3, layers: 2);

        Assert.Equal(["h.0.drop.random"], net.NamedRandomGenerators().Select(g => g.Name));
        Assert.Same(net.H[0].Drop, net.NamedModules().Single(m => m.Name == "h.0.drop").Module);
    }

    [Fact]
    public void NamedRandomGenerators_DistinctGenerators_AreAllListedInModuleOrder()
    {
        var pair = new TwoDropouts(new RandomGenerator(1), new RandomGenerator(2));

        Assert.Equal(["random", "first.random", "second.random"], pair.NamedRandomGenerators().Select(g => g.Name));
    }

    [Fact]
    public void SetRandomStates_RestoresTheDropoutMasks()
    {
        var net = new Net(width: 8, layers: 2, seed: 3);
        var x = Tensor.Ones(4, 8);
        var states = net.GetRandomStates();
        var first = net.Forward(x).ToArray();
        Assert.NotEqual(first, net.Forward(x).ToArray()); // the masks change from call to call

        net.SetRandomStates(states);

        Assert.Equal(first, net.Forward(x).ToArray());
    }

    [Fact]
    public void GetRandomStates_ReturnsCopies()
    {
        var net = new Net(width: 8, layers: 1);
        var states = net.GetRandomStates();
        var saved = states["h.0.drop.random"].ToArray();

        net.Forward(Tensor.Ones(4, 8));

        Assert.Equal(saved, states["h.0.drop.random"]);
        Assert.NotEqual(saved, net.GetRandomStates()["h.0.drop.random"]);
    }

    [Fact]
    public void SetRandomStates_MissingUnexpectedOrInvalid_ThrowsListingAllAndChangesNothing()
    {
        var pair = new TwoDropouts(new RandomGenerator(1), new RandomGenerator(2));
        var before = pair.GetRandomStates();
        var states = new Dictionary<string, ulong[]>(StringComparer.Ordinal)
        {
            ["random"] = new RandomGenerator(9).GetState(),
            ["first.random"] = [0, 0, 0, 0, 0],
            ["third.random"] = new RandomGenerator(9).GetState(),
        };

        var ex = Assert.Throws<ArgumentException>(() => pair.SetRandomStates(states));

        Assert.Contains("'first.random': An all-zero xoshiro state is invalid.", ex.Message);
        Assert.Contains("missing generators: 'second.random'", ex.Message);
        Assert.Contains("unexpected generators: 'third.random'", ex.Message);
        Assert.Equal(before, pair.GetRandomStates());
    }

    [Fact]
    public void RegisterRandomGenerator_NameTakenOrNullGenerator_Throws()
    {
        Assert.Throws<ArgumentException>(() => new OwnGenerator("drop", new RandomGenerator(1)));
        Assert.Throws<ArgumentException>(() => new OwnGenerator("a.b", new RandomGenerator(1)));
        Assert.Throws<ArgumentNullException>(() => new OwnGenerator("random", null!));
    }

    /// <summary>A module with its own generator and two dropouts with theirs.</summary>
    private sealed class TwoDropouts : Module
    {
        public TwoDropouts(RandomGenerator first, RandomGenerator second)
        {
            RegisterRandomGenerator("random", new RandomGenerator(3));
            RegisterModule("first", new Dropout(0.5f, first));
            RegisterModule("second", new Dropout(0.5f, second));
        }
    }

    /// <summary>A dropout child named "drop" and a generator registered under <c>name</c>.</summary>
    private sealed class OwnGenerator : Module
    {
        public OwnGenerator(string name, RandomGenerator generator)
        {
            RegisterModule("drop", new Dropout(0.5f, new RandomGenerator(1)));
            RegisterRandomGenerator(name, generator);
        }
    }
}
