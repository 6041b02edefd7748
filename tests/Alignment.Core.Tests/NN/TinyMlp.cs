using Alignment.NN;

namespace Alignment.Tests.NN;

/// <summary>Linear → Tanh → Linear.</summary>
internal sealed class TinyMlp : Module
{
    public TinyMlp(int inputs, int hidden, int outputs, RandomGenerator random)
    {
        Fc1 = RegisterModule("fc1", new Linear(inputs, hidden, random: random));
        Fc2 = RegisterModule("fc2", new Linear(hidden, outputs, random: random));
    }

    public Linear Fc1 { get; }

    public Linear Fc2 { get; }

    public Tensor Forward(Tensor x) => Fc2.Forward(Tensor.Tanh(Fc1.Forward(x)));
}
