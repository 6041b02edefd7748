using System.Buffers;
using System.Numerics;
using System.Numerics.Tensors;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Alignment.IO;

/// <summary>Reads a tensor's elements from a source in bounded chunks, converting them to the requested type.
/// Offsets come from a validated header, so every read stays inside the source.</summary>
internal static class SafetensorsElementReader
{
    /// <summary>Bytes per read; small enough for the array pool, large enough to amortise the call.</summary>
    private const int ChunkBytes = 1 << 18;

    public static void ReadSingle(SafetensorsSource source, long start, SafetensorsTensorInfo info, Span<float> destination)
    {
        switch (info.DType)
        {
            case SafetensorsDType.F32:
                ReadDirect(source, start, MemoryMarshal.Cast<float, int>(destination));
                break;
            case SafetensorsDType.F16:
                ReadConverted<ushort, float>(source, start, destination,
                    static (bits, dest) => TensorPrimitives.ConvertToSingle(MemoryMarshal.Cast<ushort, Half>(bits), dest));
                break;
            case SafetensorsDType.BF16:
                ReadConverted<ushort, float>(source, start, destination, static (bits, dest) => BFloat16.ToSingle(bits, dest));
                break;
            default:
                throw WrongType(info, "ReadSingle", "F32, F16 or BF16");
        }
    }

    public static void ReadInt64(SafetensorsSource source, long start, SafetensorsTensorInfo info, Span<long> destination)
    {
        switch (info.DType)
        {
            case SafetensorsDType.I64:
                ReadDirect(source, start, destination);
                break;
            case SafetensorsDType.I32:
                ReadConverted<int, long>(source, start, destination, static (values, dest) =>
                {
                    for (int i = 0; i < values.Length; i++)
                    {
                        dest[i] = values[i];
                    }
                });
                break;
            default:
                throw WrongType(info, "ReadInt64", "I64 or I32");
        }
    }

    public static void ReadInt32(SafetensorsSource source, long start, SafetensorsTensorInfo info, Span<int> destination)
    {
        switch (info.DType)
        {
            case SafetensorsDType.I32:
                ReadDirect(source, start, destination);
                break;
            case SafetensorsDType.I64:
                long index = 0;
                ReadConverted<long, int>(source, start, destination, (values, dest) =>
                {
                    for (int i = 0; i < values.Length; i++, index++)
                    {
                        long value = values[i];
                        if (value is < int.MinValue or > int.MaxValue)
                        {
                            throw new OverflowException(
                                $"Element {index} of I64 tensor '{info.Name}' is {value}, outside the range of Int32; use ReadInt64.");
                        }

                        dest[i] = (int)value;
                    }
                });
                break;
            default:
                throw WrongType(info, "ReadInt32", "I32 or I64");
        }
    }

    /// <summary>Reads little-endian elements straight into <paramref name="destination"/>.</summary>
    private static void ReadDirect<T>(SafetensorsSource source, long start, Span<T> destination)
        where T : unmanaged, IBinaryInteger<T>
    {
        int size = Unsafe.SizeOf<T>();
        int chunk = ChunkBytes / size;
        for (int i = 0; i < destination.Length; i += chunk)
        {
            Span<T> part = destination.Slice(i, Math.Min(chunk, destination.Length - i));
            source.ReadExactly(start + ((long)i * size), MemoryMarshal.AsBytes(part));
            if (!BitConverter.IsLittleEndian)
            {
                Endianness.Reverse(part);
            }
        }
    }

    /// <summary>Reads little-endian <typeparamref name="TFile"/> elements chunk by chunk into a pooled buffer and converts them.</summary>
    private static void ReadConverted<TFile, TOut>(SafetensorsSource source, long start, Span<TOut> destination, SpanConverter<TFile, TOut> convert)
        where TFile : unmanaged, IBinaryInteger<TFile>
    {
        int size = Unsafe.SizeOf<TFile>();
        int chunk = ChunkBytes / size;
        byte[] buffer = ArrayPool<byte>.Shared.Rent(ChunkBytes);
        try
        {
            for (int i = 0; i < destination.Length; i += chunk)
            {
                int count = Math.Min(chunk, destination.Length - i);
                Span<TFile> values = MemoryMarshal.Cast<byte, TFile>(buffer.AsSpan(0, count * size));
                source.ReadExactly(start + ((long)i * size), MemoryMarshal.AsBytes(values));
                if (!BitConverter.IsLittleEndian)
                {
                    Endianness.Reverse(values);
                }

                convert(values, destination.Slice(i, count));
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private static InvalidOperationException WrongType(SafetensorsTensorInfo info, string method, string accepted) =>
        new($"Tensor '{info.Name}' is {info.DType.GetHeaderName()}; {method} reads only {accepted} tensors.");
}
