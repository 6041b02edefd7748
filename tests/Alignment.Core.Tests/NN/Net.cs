using Alignment.NN;

namespace Alignment.Tests.NN;

/// <summary>An embedding-like matrix, a list of blocks and a head: names like GPT-2's.</summary>
internal sealed class Net : Module
{
    public Net(int width, int layers, ulong seed = 1)
    {
        var random = new RandomGenerator(seed);
        Wte = RegisterParameter("wte", Tensor.RandomNormal(random, 0f, 0.02f, 5, width));
        H = RegisterModule("h", new ModuleList<Block>(Enumerable.Range(0, layers).Select(_ => new Block(width, random))));
        Head = RegisterModule("head", new Linear(width, 2, bias: false, random: random));
    }

    public Tensor Wte { get; }

    public ModuleList<Block> H { get; }

    public Linear Head { get; }

    public Tensor Forward(Tensor x)
    {
        foreach (var block in H)
        {
            x = block.Forward(x);
        }

        return Head.Forward(x);
    }
}
