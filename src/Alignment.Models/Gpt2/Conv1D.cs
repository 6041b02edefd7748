using Alignment.NN;

namespace Alignment.Models.Gpt2;

/// <summary>
/// Hugging Face GPT-2's "Conv1D": a linear layer whose weight is stored [in, out], so y = x·W + b.
/// Kept in that layout so checkpoints load as a name map, without transposes. For decoding, a transposed copy laid
/// out for products with few rows can be attached (<see cref="AttachDecodeWeight"/>): those products then stream
/// whole weight rows, three at a time, instead of short segments of every row (see
/// <see cref="Generation.GenerationOptions.TransposeWeights"/>).
/// </summary>
public sealed class Conv1D : Module
{
    // W in the decode layout, copied from Weight by AttachDecodeWeight; null when none is attached.
    private DecodeWeight? _decodeWeight;

    /// <summary>Creates the layer with weights N(0, <paramref name="std"/>²) and zero bias.</summary>
    /// <param name="inFeatures">Input size.</param>
    /// <param name="outFeatures">Output size.</param>
    /// <param name="random">Seeded generator.</param>
    /// <param name="std">Initial standard deviation. The default value is 0.02.</param>
    public Conv1D(int inFeatures, int outFeatures, RandomGenerator random, float std = 0.02f)
        : this(inFeatures, outFeatures, std, random ?? throw new ArgumentNullException(nameof(random)))
    {
    }

    /// <summary>Creates the layer with zero weights and bias, for weights that are loaded right after (no random draws).</summary>
    /// <param name="inFeatures">Input size.</param>
    /// <param name="outFeatures">Output size.</param>
    internal Conv1D(int inFeatures, int outFeatures)
        : this(inFeatures, outFeatures, 0f, null)
    {
    }

    /// <summary>Creates the layer with weights drawn N(0, <paramref name="std"/>²) from <paramref name="random"/>, or zero without one.</summary>
    private Conv1D(int inFeatures, int outFeatures, float std, RandomGenerator? random)
    {
        Weight = RegisterParameter("weight", Tensor.ZerosUnscoped([inFeatures, outFeatures]));
        Bias = RegisterParameter("bias", Tensor.ZerosUnscoped([outFeatures]));
        if (random is null)
        {
            return;
        }

        Weight.FillNormal(random, 0f, std);
    }

    /// <summary>The weight, [in, out].</summary>
    public Tensor Weight { get; }

    /// <summary>The bias, [out].</summary>
    public Tensor Bias { get; }

    /// <summary>y = x·W + b for x [..., in].</summary>
    /// <param name="x">Input.</param>
    /// <returns>[..., out].</returns>
    /// <remarks>With a decode copy attached, gradients off and at most <see cref="DecodeWeight.MaxRows"/> rows, the
    /// product reads the copy; the result is the same product, summed in a different order (and, for a bfloat16 copy,
    /// with the weight rounded).</remarks>
    public Tensor Forward(Tensor x) =>
        _decodeWeight is { } decode && decode.TryLinear(x, Bias, out var y) ? y : Tensor.LinearInOut(x, Weight, Bias);

    /// <summary>Whether a decode copy is attached.</summary>
    internal bool HasDecodeWeight => _decodeWeight is not null;

    /// <summary>
    /// Copies the current weight into a buffer (from the tensor pool) laid out for products with few rows,
    /// that <see cref="Forward"/> reads while gradients are off. The copy does not follow later changes of
    /// <see cref="Weight"/>: detach it before the weight changes.
    /// </summary>
    /// <param name="bfloat16">Whether the copy holds the weight rounded to bfloat16. The default value is false (float32).</param>
    /// <exception cref="PlatformNotSupportedException">The machine lacks AVX2 or FMA (<see cref="DecodeWeight.IsSupported"/>).</exception>
    internal void AttachDecodeWeight(bool bfloat16 = false)
    {
        DetachDecodeWeight();
        _decodeWeight = DecodeWeight.FromInOut(Weight, bfloat16);
    }

    /// <summary>Drops the decode copy (its buffer goes back to the pool); <see cref="Forward"/> reads the weight again.</summary>
    internal void DetachDecodeWeight()
    {
        _decodeWeight?.Dispose();
        _decodeWeight = null;
    }
}
