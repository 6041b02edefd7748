using Alignment.Kernels;

namespace Alignment.NN;

/// <summary>
/// A read-only copy of a linear layer's weight laid out for products with few rows, as in decoding: the rows of
/// Wᵀ [out, in] in the <see cref="GemmRowTriples"/> layout (three rows read as one stream), in a buffer from the tensor
/// pool. <see cref="Linear"/> gives the same values, summed in the same order, as <see cref="Tensor.Linear"/> with Wᵀ
/// on at most <see cref="MaxRows"/> rows. The copy does not follow later changes of the weight; <see cref="Dispose"/>
/// returns its buffer to the pool.
/// </summary>
internal sealed class DecodeWeight : IDisposable
{
    // The packed values, [out, kp] as storage only: the row-triples layout is not a plain matrix.
    private Tensor? _packed;

    private DecodeWeight(Tensor packed, int inFeatures, int outFeatures)
    {
        _packed = packed;
        InFeatures = inFeatures;
        OutFeatures = outFeatures;
    }

    /// <summary>The most rows (product of the input's leading dimensions) <see cref="Linear"/> takes.</summary>
    public static int MaxRows => GemmSmallM.MaxRows;

    /// <summary>Whether this machine runs the row-triples product (AVX2 and FMA).</summary>
    public static bool IsSupported => Gemm.IsSupported(GemmBackend.Vector256);

    /// <summary>Input features (the weight's in dimension).</summary>
    public int InFeatures { get; }

    /// <summary>Output features (the weight's out dimension).</summary>
    public int OutFeatures { get; }

    /// <summary>Copies a weight stored [in, out] (the x·W form of Hugging Face's Conv1D).</summary>
    /// <param name="weight">The weight, 2-D.</param>
    /// <returns>The copy; dispose it to return its buffer.</returns>
    /// <exception cref="PlatformNotSupportedException">The machine lacks AVX2 or FMA (<see cref="IsSupported"/>).</exception>
    public static unsafe DecodeWeight FromInOut(Tensor weight)
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

        int inFeatures = weight.Shape[0];
        int outFeatures = weight.Shape[1];
        int paddedLength = GemmRowTriples.PaddedLength(inFeatures);
        var w = weight.Contiguous();
        var packed = Tensor.EmptyUnscoped([outFeatures, paddedLength]);
        fixed (float* source = w.Span, destination = packed.Span)
        {
            GemmRowTriples.PackTransposed(source, inFeatures, outFeatures, destination, parallel: true);
        }

        return new DecodeWeight(packed, inFeatures, outFeatures);
    }

    /// <summary>Whether <see cref="Linear"/> takes <paramref name="input"/>: [..., in] with at most <see cref="MaxRows"/> rows.</summary>
    /// <param name="input">The input.</param>
    /// <returns>True when it does.</returns>
    public bool Accepts(Tensor input) => input.Rank > 0 && input.Shape[^1] == InFeatures && Rows(input) <= MaxRows;

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

        if (bias is not null && (bias.Rank != 1 || bias.Shape[0] != OutFeatures))
        {
            throw new ArgumentException($"DecodeWeight.Linear: bias {Shapes.Format(bias.Shape)} must be [{OutFeatures}].", nameof(bias));
        }

        if (GradMode.Enabled && (input.RequiresGrad || bias?.RequiresGrad == true))
        {
            throw new InvalidOperationException("DecodeWeight.Linear records no gradient: call it with gradients off (Tensor.NoGrad).");
        }

        var x = input.Contiguous();
        int rows = (int)Rows(x);
        var shape = x.Shape.ToArray();
        shape[^1] = OutFeatures;
        var y = Tensor.Empty(shape);
        ReadOnlySpan<float> b = bias is null ? default : bias.Contiguous().Span;
        Gemm.MultiplyRowTriples(rows, OutFeatures, InFeatures, x.Span, packed.Span, b, y.Span, Environment.ProcessorCount);
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
