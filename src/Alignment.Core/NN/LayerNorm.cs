namespace Alignment.NN;

/// <summary>Layer normalisation over the last dimension with a learned scale and shift (PyTorch's nn.LayerNorm).</summary>
public sealed class LayerNorm : Module
{
    /// <summary>Creates the layer with weight 1 and bias 0.</summary>
    /// <param name="features">The size of the normalised (last) dimension.</param>
    /// <param name="eps">Added to the variance. The default value is 1e-5.</param>
    public LayerNorm(int features, float eps = 1e-5f)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(features, 1);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(eps);
        Eps = eps;
        Weight = RegisterParameter("weight", Tensor.ZerosUnscoped([features]));
        Weight.Span.Fill(1f);
        Bias = RegisterParameter("bias", Tensor.ZerosUnscoped([features]));
    }

    /// <summary>The scale, [features].</summary>
    public Tensor Weight { get; }

    /// <summary>The shift, [features].</summary>
    public Tensor Bias { get; }

    /// <summary>The variance epsilon.</summary>
    public float Eps { get; }

    /// <summary>Normalises <paramref name="x"/> [..., features].</summary>
    /// <param name="x">Input.</param>
    /// <returns>The normalised tensor.</returns>
    public Tensor Forward(Tensor x) => Tensor.LayerNorm(x, Weight, Bias, Eps);
}
