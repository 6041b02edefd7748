using System.Diagnostics.CodeAnalysis;
using System.Runtime.InteropServices;
using Alignment.Kernels;

namespace Alignment.NN;

/// <summary>
/// A read-only copy of a linear layer's weight laid out for products with few rows, as in decoding: W [in, out] in
/// the <see cref="GemmColumnPanels"/> layout (panels of 24 output columns, each read as one stream), in a buffer from
/// the tensor pool, as float32 or as bfloat16 (half the bytes to stream; each value rounded to nearest even).
/// <see cref="Linear"/> gives x·W + b for inputs of at most <see cref="MaxRows"/> rows, each output the sum of its
/// products in order, one fused multiply-add each, then the bias; so it agrees with <see cref="Tensor.Linear"/> to
/// rounding, not bit for bit (their summation orders differ). The bfloat16 copy gives, bit for bit, what the float32
/// copy of the weight rounded to bfloat16 gives (the sums are float32 in both). The copy does not follow later changes
/// of the weight; <see cref="Dispose"/> returns its buffer to the pool.
/// </summary>
internal sealed class DecodeWeight : IDisposable
{
    // The packed values, as storage only: the column-panels layout is not a plain matrix. Float32: [panels, in, 24]
    // floats; bfloat16: as many bit patterns, two to a float, in [panels, in, 12] floats.
    private Tensor? _packed;

    private DecodeWeight(Tensor packed, int inFeatures, int outFeatures, bool bfloat16)
    {
        _packed = packed;
        InFeatures = inFeatures;
        OutFeatures = outFeatures;
        IsBFloat16 = bfloat16;
    }

    /// <summary>The most rows (product of the input's leading dimensions) <see cref="Linear"/> takes.</summary>
    public static int MaxRows => GemmSmallM.MaxRows;

    /// <summary>Whether this machine runs the column-panels product (AVX2 and FMA).</summary>
    public static bool IsSupported => Gemm.IsSupported(GemmBackend.Vector256);

    /// <summary>Input features (the weight's in dimension).</summary>
    public int InFeatures { get; }

    /// <summary>Output features (the weight's out dimension).</summary>
    public int OutFeatures { get; }

    /// <summary>Whether the copy holds bfloat16 values (else float32).</summary>
    public bool IsBFloat16 { get; }

    /// <summary>Copies a weight stored [in, out] (the x·W form of Hugging Face's Conv1D).</summary>
    /// <param name="weight">The weight, 2-D.</param>
    /// <param name="bfloat16">Whether to store bfloat16 values. The default value is false (float32).</param>
    /// <returns>The copy; dispose it to return its buffer.</returns>
    /// <exception cref="PlatformNotSupportedException">The machine lacks AVX2 or FMA (<see cref="IsSupported"/>).</exception>
    public static DecodeWeight FromInOut(Tensor weight, bool bfloat16 = false) => Create(weight, transposed: true, bfloat16);

    /// <summary>Copies a weight stored [out, in] (the x·Wᵀ form of <see cref="NN.Linear"/>, or a tied embedding [vocabulary, hidden]).</summary>
    /// <param name="weight">The weight, 2-D.</param>
    /// <param name="bfloat16">Whether to store bfloat16 values. The default value is false (float32).</param>
    /// <returns>The copy; dispose it to return its buffer.</returns>
    /// <exception cref="PlatformNotSupportedException">The machine lacks AVX2 or FMA (<see cref="IsSupported"/>).</exception>
    public static DecodeWeight FromOutIn(Tensor weight, bool bfloat16 = false) => Create(weight, transposed: false, bfloat16);

    // transposed: the weight is [in, out] (its transpose is laid out); else [out, in] (its rows are).
    private static unsafe DecodeWeight Create(Tensor weight, bool transposed, bool bfloat16)
    {
        ArgumentNullException.ThrowIfNull(weight);
        if (weight.Rank != 2)
        {
            throw new ArgumentException($"DecodeWeight needs a 2-D weight, got {Shapes.Format(weight.Shape)}.", nameof(weight));
        }

        if (!IsSupported)
        {
            throw new PlatformNotSupportedException("The decode weight layout needs AVX2 and FMA.");
        }

        int inFeatures = transposed ? weight.Shape[0] : weight.Shape[1];
        int outFeatures = transposed ? weight.Shape[1] : weight.Shape[0];
        var w = weight.Contiguous();
        int width = bfloat16 ? GemmColumnPanels.Width / 2 : GemmColumnPanels.Width;
        var packed = Tensor.EmptyUnscoped([GemmColumnPanels.Count(outFeatures), inFeatures, width]);
        fixed (float* source = w.Span, destination = packed.Span)
        {
            switch (transposed, bfloat16)
            {
                case (true, false):
                    GemmColumnPanels.PackInOut(source, inFeatures, outFeatures, destination, parallel: true);
                    break;
                case (true, true):
                    GemmColumnPanels.PackInOutBFloat16(source, inFeatures, outFeatures, (ushort*)destination, parallel: true);
                    break;
                case (false, false):
                    GemmColumnPanels.PackOutIn(source, outFeatures, inFeatures, destination, parallel: true);
                    break;
                default:
                    GemmColumnPanels.PackOutInBFloat16(source, outFeatures, inFeatures, (ushort*)destination, parallel: true);
                    break;
            }
        }

        return new DecodeWeight(packed, inFeatures, outFeatures, bfloat16);
    }

    /// <summary>Whether <see cref="Linear"/> takes <paramref name="input"/>: [..., in] with at most <see cref="MaxRows"/> rows.</summary>
    /// <param name="input">The input.</param>
    /// <returns>True when it does.</returns>
    public bool Accepts(Tensor input) => input.Rank > 0 && input.Shape[^1] == InFeatures && Rows(input) <= MaxRows;

    /// <summary>
    /// <see cref="Linear"/> where the copy stands in for the weight: gradients off (<see cref="GradMode.Enabled"/> is
    /// false) and an input <see cref="Accepts"/> takes. Layers call this and fall back to their weight when it returns false.
    /// </summary>
    /// <param name="input">The input.</param>
    /// <param name="bias">The bias [out], or null.</param>
    /// <param name="output">The product, when it returns true; otherwise null.</param>
    /// <returns>Whether the copy computed the product.</returns>
    public bool TryLinear(Tensor input, Tensor? bias, [NotNullWhen(true)] out Tensor? output)
    {
        ArgumentNullException.ThrowIfNull(input);
        if (GradMode.Enabled || !Accepts(input))
        {
            output = null;
            return false;
        }

        // Gradients are off, so only the weight's state and the bias are left to check.
        var packed = _packed ?? throw new ObjectDisposedException(nameof(DecodeWeight));
        CheckBias(bias);
        output = Compute(packed, input, bias);
        return true;
    }

    /// <summary>y = x·W + b for x [..., in] with at most <see cref="MaxRows"/> rows; records no gradient.</summary>
    /// <param name="input">The input, accepted by <see cref="Accepts"/>.</param>
    /// <param name="bias">The bias [out], or null.</param>
    /// <returns>[..., out], in the current tensor scope.</returns>
    /// <exception cref="InvalidOperationException">Gradients would be recorded, or the copy was disposed.</exception>
    public Tensor Linear(Tensor input, Tensor? bias)
    {
        ArgumentNullException.ThrowIfNull(input);
        var packed = _packed ?? throw new ObjectDisposedException(nameof(DecodeWeight));
        if (!Accepts(input))
        {
            throw new ArgumentException($"DecodeWeight.Linear: input {Shapes.Format(input.Shape)} must end in {InFeatures} features and have at most {MaxRows} rows.", nameof(input));
        }

        CheckBias(bias);
        if (GradMode.Enabled && (input.RequiresGrad || bias?.RequiresGrad == true))
        {
            throw new InvalidOperationException("DecodeWeight.Linear records no gradient: call it with gradients off (Tensor.NoGrad).");
        }

        return Compute(packed, input, bias);
    }

    private void CheckBias(Tensor? bias)
    {
        if (bias is not null && (bias.Rank != 1 || bias.Shape[0] != OutFeatures))
        {
            throw new ArgumentException($"DecodeWeight.Linear: bias {Shapes.Format(bias.Shape)} must be [{OutFeatures}].", nameof(bias));
        }
    }

    // The product, the arguments checked.
    private Tensor Compute(Tensor packed, Tensor input, Tensor? bias)
    {
        var x = input.Contiguous();
        int rows = (int)Rows(x);
        var shape = x.Shape.ToArray();
        shape[^1] = OutFeatures;
        var y = Tensor.Empty(shape);
        ReadOnlySpan<float> b = bias is null ? default : bias.Contiguous().Span;
        int threads = Environment.ProcessorCount;
        if (IsBFloat16)
        {
            Gemm.MultiplyColumnPanels(rows, OutFeatures, InFeatures, x.Span, MemoryMarshal.Cast<float, ushort>(packed.Span), b, y.Span, threads);
        }
        else
        {
            Gemm.MultiplyColumnPanels(rows, OutFeatures, InFeatures, x.Span, packed.Span, b, y.Span, threads);
        }

        return y;
    }

    // The product of the leading dimensions: the rows of the [rows, in] matrix the input is read as.
    private static long Rows(Tensor input)
    {
        long rows = 1;
        for (int d = 0; d < input.Rank - 1; d++)
        {
            rows *= input.Shape[d];
        }

        return rows;
    }

    /// <summary>Returns the buffer to the pool; <see cref="Linear"/> throws afterwards. Idempotent.</summary>
    public void Dispose()
    {
        _packed?.ReleaseStorage();
        _packed = null;
    }
}
