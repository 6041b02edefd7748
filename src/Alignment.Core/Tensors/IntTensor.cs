namespace Alignment;

/// <summary>
/// Integer values with a shape (token ids, labels, masks, indices): contiguous and row-major. Token ids
/// travel as <see cref="IntTensor"/>, never as float tensors.
/// </summary>
public sealed class IntTensor
{
    /// <summary>Creates a zero-filled tensor.</summary>
    /// <param name="shape">The shape.</param>
    public IntTensor(params int[] shape)
    {
        ArgumentNullException.ThrowIfNull(shape);
        Dimensions = (int[])shape.Clone();
        Data = new int[Shapes.Count(shape)];
    }

    /// <summary>Wraps <paramref name="data"/> (not copied) with a shape.</summary>
    /// <param name="data">Row-major values.</param>
    /// <param name="shape">The shape; its product must equal the data length.</param>
    public IntTensor(int[] data, params int[] shape)
    {
        ArgumentNullException.ThrowIfNull(data);
        ArgumentNullException.ThrowIfNull(shape);
        if (shape.Length == 0)
        {
            shape = [data.Length];
        }

        if (Shapes.Count(shape) != data.Length)
        {
            throw new ArgumentException($"{data.Length} values do not fill shape {Shapes.Format(shape)}.", nameof(data));
        }

        Dimensions = (int[])shape.Clone();
        Data = data;
    }

    /// <summary>The row-major values.</summary>
    public int[] Data { get; }

    /// <summary>The size of each dimension.</summary>
    public ReadOnlySpan<int> Shape => Dimensions;

    /// <summary>The number of dimensions.</summary>
    public int Rank => Dimensions.Length;

    /// <summary>The number of elements.</summary>
    public int ElementCount => Data.Length;

    internal int[] Dimensions { get; }

    /// <summary>The size of dimension <paramref name="dim"/>; negative values count from the end.</summary>
    /// <param name="dim">The dimension.</param>
    /// <returns>The size.</returns>
    public int Size(int dim) => Dimensions[Shapes.NormalizeDim(dim, Rank)];

    /// <summary>The element at a multi-index.</summary>
    /// <param name="index">One index per dimension.</param>
    public int this[params int[] index]
    {
        get => Data[FlatIndex(index)];
        set => Data[FlatIndex(index)] = value;
    }

    /// <summary>The same values in another shape (shares data).</summary>
    /// <param name="shape">The new shape.</param>
    /// <returns>The reshaped tensor.</returns>
    public IntTensor Reshape(params int[] shape) => new(Data, shape);

    /// <summary>The values as a float tensor (e.g. a 0/1 mask used in arithmetic).</summary>
    /// <returns>The float tensor.</returns>
    public Tensor ToFloat()
    {
        var t = Tensor.Empty(Dimensions);
        var s = t.Span;
        for (var i = 0; i < Data.Length; i++)
        {
            s[i] = Data[i];
        }

        return t;
    }

    /// <summary>A shape-and-values description.</summary>
    /// <returns>The text.</returns>
    public override string ToString() => $"IntTensor{Shapes.Format(Dimensions)} [{string.Join(", ", Data.Take(8))}{(Data.Length > 8 ? ", ..." : string.Empty)}]";

    private int FlatIndex(int[] index)
    {
        ArgumentNullException.ThrowIfNull(index);
        if (index.Length != Rank)
        {
            throw new ArgumentException($"Expected {Rank} indices, got {index.Length}.", nameof(index));
        }

        var flat = 0;
        for (var d = 0; d < Rank; d++)
        {
            if ((uint)index[d] >= (uint)Dimensions[d])
            {
                throw new ArgumentOutOfRangeException(nameof(index), $"Index {index[d]} is out of range for dimension {d} of size {Dimensions[d]}.");
            }

            flat = (flat * Dimensions[d]) + index[d];
        }

        return flat;
    }
}
