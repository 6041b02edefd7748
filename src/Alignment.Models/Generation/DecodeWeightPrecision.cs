namespace Alignment.Models.Generation;

/// <summary>What the decode copies of the weights hold (see <see cref="GenerationOptions.DecodeWeightPrecision"/>).</summary>
public enum DecodeWeightPrecision
{
    /// <summary>The weights' float32 values, unchanged: decoding computes what the model itself computes, up to summation order.</summary>
    Float32,

    /// <summary>
    /// The weights rounded to bfloat16 (to nearest, ties to even: an 8-bit mantissa, about three significant digits), in
    /// half the bytes. Activations, sums and logits stay float32.
    /// </summary>
    BFloat16,
}
