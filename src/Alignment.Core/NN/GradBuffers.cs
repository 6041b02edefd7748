namespace Alignment.NN;

/// <summary>In-place operations on parameters' gradient buffers, shared by modules and optimizers.</summary>
internal static class GradBuffers
{
    /// <summary>Sets the gradient of <paramref name="parameter"/> to zero without reallocating it (no-op when null).</summary>
    public static void Zero(Tensor parameter)
    {
        // Zeroed on first read, or overwritten by the next backward pass's first contribution.
        parameter.ZeroGradLazily();
    }
}
