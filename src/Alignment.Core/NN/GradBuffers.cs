namespace Alignment.NN;

/// <summary>In-place operations on parameters' gradient buffers, shared by modules and optimizers.</summary>
internal static class GradBuffers
{
    /// <summary>Sets the gradient of <paramref name="parameter"/> to zero without reallocating it (no-op when null).</summary>
    public static void Zero(Tensor parameter)
    {
        var grad = parameter.Grad;
        if (grad is null)
        {
            return;
        }

        if (grad.IsContiguous)
        {
            grad.Span.Clear();
        }
        else
        {
            grad.CopyFrom(new float[grad.ElementCount]);
        }
    }
}
