using System.Collections.ObjectModel;

namespace Alignment.IO;

/// <summary>
/// One tensor entry of a validated safetensors header: its name, element type, shape and byte range in the
/// data section. Instances come from <see cref="SafetensorsFile.Tensors"/> and are immutable.
/// </summary>
public sealed class SafetensorsTensorInfo
{
    internal SafetensorsTensorInfo(string name, SafetensorsDType dtype, int[] shape, long elementCount, long dataBegin, long dataEnd)
    {
        Name = name;
        DType = dtype;
        Shape = new ReadOnlyCollection<int>(shape);
        ElementCount = elementCount;
        DataBegin = dataBegin;
        DataEnd = dataEnd;
    }

    /// <summary>The tensor's name (its key in the header).</summary>
    public string Name { get; }

    /// <summary>The element type stored in the file.</summary>
    public SafetensorsDType DType { get; }

    /// <summary>The dimensions, outermost first; empty for a scalar. Every dimension is between 0 and <see cref="int.MaxValue"/>.</summary>
    public IReadOnlyList<int> Shape { get; }

    /// <summary>The number of elements: the product of <see cref="Shape"/> (1 for a scalar, 0 when a dimension is 0).
    /// Never more than <see cref="Array.MaxLength"/>, so the tensor always fits in one array.</summary>
    public long ElementCount { get; }

    /// <summary>Offset of the first byte, relative to the start of the data section (which follows the header).</summary>
    public long DataBegin { get; }

    /// <summary>Offset one past the last byte, relative to the start of the data section.</summary>
    public long DataEnd { get; }

    /// <summary>The number of bytes the tensor occupies: <see cref="DataEnd"/> − <see cref="DataBegin"/>,
    /// which equals <see cref="ElementCount"/> × the element size of <see cref="DType"/>.</summary>
    public long ByteLength => DataEnd - DataBegin;

    /// <summary>Returns a new array holding a copy of <see cref="Shape"/>.</summary>
    /// <returns>The dimensions, outermost first.</returns>
    public int[] GetShapeArray() => [.. Shape];

    /// <summary>Returns e.g. <c>wte.weight F32 [1000, 32]</c>.</summary>
    /// <returns>Name, dtype and shape.</returns>
    public override string ToString() => $"{Name} {DType.GetHeaderName()} [{string.Join(", ", Shape)}]";
}
