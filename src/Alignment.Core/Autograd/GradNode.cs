namespace Alignment;

/// <summary>
/// The record an operation leaves on its result: the inputs and a closure that, given the gradient of
/// the result (contiguous, same shape), accumulates the gradients of the inputs through
/// <see cref="AutogradEngine.GradSpan"/>.
/// </summary>
internal sealed class GradNode(string name, Tensor[] inputs, Action<Tensor> backward)
{
    public string Name { get; } = name;

    public Tensor[] Inputs { get; private set; } = inputs;

    public Action<Tensor>? BackwardFn { get; private set; } = backward;

    /// <summary>Drops the inputs and closure so the saved tensors can be reclaimed.</summary>
    public void Free()
    {
        Inputs = [];
        BackwardFn = null;
    }
}
