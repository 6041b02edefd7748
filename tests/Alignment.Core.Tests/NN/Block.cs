using Alignment.NN;

namespace Alignment.Tests.NN;

/// <summary>A block with a child layer, a dropout and a buffer.</summary>
internal sealed class Block : Module
{
    public Block(int width, RandomGenerator random)
    {
        Attn = RegisterModule("attn", new Linear(width, width, random: random));
        Drop = RegisterModule("drop", new Dropout(0.5f, random));
        Mask = RegisterBuffer("mask", Tensor.Ones(width));
    }

    public Linear Attn { get; }

    public Dropout Drop { get; }

    public Tensor Mask { get; }

    public Tensor Forward(Tensor x) => Drop.Forward(Tensor.Tanh(Attn.Forward(x))) * Mask;
}
