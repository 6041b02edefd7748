namespace Alignment.IO;

/// <summary>
/// A tensor to write with <see cref="SafetensorsWriter"/>: name, stored dtype, shape and the data. The data is
/// referenced, not copied, and is read when the file is written; do not change it in between.
/// Shapes are validated on creation: every dimension ≥ 0, at most <see cref="Array.MaxLength"/> elements, and
/// the data holds exactly that many elements.
/// </summary>
public sealed class SafetensorsTensor
{
    private readonly Action<Stream> _writeData;

    private SafetensorsTensor(string name, SafetensorsDType dtype, ReadOnlySpan<int> shape, long dataLength, bool lengthInBytes, Action<Stream> writeData, string dataParamName)
    {
        ArgumentNullException.ThrowIfNull(name);
        if (name == SafetensorsHeaderParser.MetadataKey)
        {
            throw new ArgumentException($"'{SafetensorsHeaderParser.MetadataKey}' is reserved for the metadata and cannot name a tensor.", nameof(name));
        }

        _ = dtype.GetElementSize(); // rejects undefined enum values
        for (int i = 0; i < shape.Length; i++)
        {
            if (shape[i] < 0)
            {
                throw new ArgumentOutOfRangeException(nameof(shape), shape[i], $"Dimension {i} of tensor '{name}' is negative.");
            }
        }

        if (!SafetensorsShape.TryGetElementCount(shape, out long count))
        {
            throw new ArgumentException($"Tensor '{name}' has shape {SafetensorsShape.Format(shape)} with more than {Array.MaxLength} elements.", nameof(shape));
        }

        long expected = lengthInBytes ? count * dtype.GetElementSize() : count;
        if (dataLength != expected)
        {
            throw new ArgumentException(
                $"Tensor '{name}' has shape {SafetensorsShape.Format(shape)} and dtype {dtype.GetHeaderName()}, so its data must hold {expected} {(lengthInBytes ? "bytes" : "elements")}, not {dataLength}.",
                dataParamName);
        }

        Name = name;
        DType = dtype;
        Shape = Array.AsReadOnly(shape.ToArray());
        ElementCount = count;
        _writeData = writeData;
    }

    /// <summary>The tensor's name: any string except <c>"__metadata__"</c>.</summary>
    public string Name { get; }

    /// <summary>The dtype written to the file.</summary>
    public SafetensorsDType DType { get; }

    /// <summary>The dimensions, outermost first; empty for a scalar.</summary>
    public IReadOnlyList<int> Shape { get; }

    /// <summary>The number of elements: the product of <see cref="Shape"/> (1 for a scalar).</summary>
    public long ElementCount { get; }

    /// <summary>The number of bytes written for the data: <see cref="ElementCount"/> × the element size of <see cref="DType"/>.</summary>
    public long ByteLength => ElementCount * DType.GetElementSize();

    /// <summary>Creates a floating-point tensor from float32 values, stored as <paramref name="dtype"/>.
    /// F16 and BF16 are rounded to nearest, ties to even (values beyond the target's range become infinity).</summary>
    /// <param name="name">The tensor name.</param>
    /// <param name="shape">The dimensions (empty for a scalar).</param>
    /// <param name="data">The elements in row-major order; exactly the product of <paramref name="shape"/>.</param>
    /// <param name="dtype">The stored type: <see cref="SafetensorsDType.F32"/> (default), <see cref="SafetensorsDType.F16"/> or <see cref="SafetensorsDType.BF16"/>.</param>
    /// <returns>The tensor description.</returns>
    /// <exception cref="ArgumentException">The dtype is not floating-point, the name is reserved, or the shape and data disagree.</exception>
    public static SafetensorsTensor FromSingle(string name, ReadOnlySpan<int> shape, ReadOnlyMemory<float> data, SafetensorsDType dtype = SafetensorsDType.F32)
    {
        if (!dtype.IsFloatingPoint())
        {
            throw new ArgumentException($"Float data can be stored as F32, F16 or BF16, not {dtype}.", nameof(dtype));
        }

        return new SafetensorsTensor(name, dtype, shape, data.Length, lengthInBytes: false,
            stream => SafetensorsDataWriter.WriteSingle(stream, data.Span, dtype), nameof(data));
    }

    /// <summary>Creates an <see cref="SafetensorsDType.I64"/> tensor.</summary>
    /// <param name="name">The tensor name.</param>
    /// <param name="shape">The dimensions (empty for a scalar).</param>
    /// <param name="data">The elements in row-major order; exactly the product of <paramref name="shape"/>.</param>
    /// <returns>The tensor description.</returns>
    /// <exception cref="ArgumentException">The name is reserved, or the shape and data disagree.</exception>
    public static SafetensorsTensor FromInt64(string name, ReadOnlySpan<int> shape, ReadOnlyMemory<long> data) =>
        new(name, SafetensorsDType.I64, shape, data.Length, lengthInBytes: false,
            stream => SafetensorsDataWriter.WriteIntegers(stream, data.Span), nameof(data));

    /// <summary>Creates an <see cref="SafetensorsDType.I32"/> tensor.</summary>
    /// <param name="name">The tensor name.</param>
    /// <param name="shape">The dimensions (empty for a scalar).</param>
    /// <param name="data">The elements in row-major order; exactly the product of <paramref name="shape"/>.</param>
    /// <returns>The tensor description.</returns>
    /// <exception cref="ArgumentException">The name is reserved, or the shape and data disagree.</exception>
    public static SafetensorsTensor FromInt32(string name, ReadOnlySpan<int> shape, ReadOnlyMemory<int> data) =>
        new(name, SafetensorsDType.I32, shape, data.Length, lengthInBytes: false,
            stream => SafetensorsDataWriter.WriteIntegers(stream, data.Span), nameof(data));

    /// <summary>Creates a tensor of any dtype from its raw little-endian bytes, written unchanged.</summary>
    /// <param name="name">The tensor name.</param>
    /// <param name="dtype">The stored type.</param>
    /// <param name="shape">The dimensions (empty for a scalar).</param>
    /// <param name="data">Exactly product(<paramref name="shape"/>) × element size bytes.</param>
    /// <returns>The tensor description.</returns>
    /// <exception cref="ArgumentException">The name is reserved, or the shape and data disagree.</exception>
    public static SafetensorsTensor FromBytes(string name, SafetensorsDType dtype, ReadOnlySpan<int> shape, ReadOnlyMemory<byte> data) =>
        new(name, dtype, shape, data.Length, lengthInBytes: true, stream => stream.Write(data.Span), nameof(data));

    /// <summary>Writes the data section bytes of this tensor.</summary>
    internal void WriteData(Stream stream) => _writeData(stream);

    /// <summary>Returns e.g. <c>wte.weight F32 [1000, 32]</c>.</summary>
    /// <returns>Name, dtype and shape.</returns>
    public override string ToString() => $"{Name} {DType.GetHeaderName()} [{string.Join(", ", Shape)}]";
}
