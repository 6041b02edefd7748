using System.Buffers;
using System.Numerics;
using System.Numerics.Tensors;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Alignment.IO;

/// <summary>Writes tensor elements to a stream as little-endian bytes, converting floats to F16/BF16 chunk by chunk.</summary>
internal static class SafetensorsDataWriter
{
    private const int ChunkBytes = 1 << 18;

    public static void WriteSingle(Stream stream, ReadOnlySpan<float> values, SafetensorsDType dtype)
    {
        switch (dtype)
        {
            case SafetensorsDType.F32:
                WriteIntegers(stream, MemoryMarshal.Cast<float, int>(values));
                break;
            case SafetensorsDType.F16:
                WriteConverted<float, ushort>(stream, values,
                    static (source, bits) => TensorPrimitives.ConvertToHalf(source, MemoryMarshal.Cast<ushort, Half>(bits)));
                break;
            case SafetensorsDType.BF16:
                WriteConverted<float, ushort>(stream, values, static (source, bits) => BFloat16.FromSingle(source, bits));
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(dtype), dtype, "Float data is written as F32, F16 or BF16.");
        }
    }

    /// <summary>Writes integers (or float bit patterns) as little-endian bytes.</summary>
    public static void WriteIntegers<T>(Stream stream, ReadOnlySpan<T> values)
        where T : unmanaged, IBinaryInteger<T>
    {
        if (BitConverter.IsLittleEndian)
        {
            int chunk = ChunkBytes / Unsafe.SizeOf<T>();
            for (int i = 0; i < values.Length; i += chunk)
            {
                stream.Write(MemoryMarshal.AsBytes(values.Slice(i, Math.Min(chunk, values.Length - i))));
            }
        }
        else
        {
            WriteConverted<T, T>(stream, values, static (source, dest) => source.CopyTo(dest));
        }
    }

    /// <summary>Converts <paramref name="values"/> chunk by chunk into a pooled buffer and writes it little-endian.</summary>
    private static void WriteConverted<TIn, TFile>(Stream stream, ReadOnlySpan<TIn> values, SpanConverter<TIn, TFile> convert)
        where TFile : unmanaged, IBinaryInteger<TFile>
    {
        int size = Unsafe.SizeOf<TFile>();
        int chunk = ChunkBytes / size;
        byte[] buffer = ArrayPool<byte>.Shared.Rent(ChunkBytes);
        try
        {
            for (int i = 0; i < values.Length; i += chunk)
            {
                int count = Math.Min(chunk, values.Length - i);
                Span<TFile> converted = MemoryMarshal.Cast<byte, TFile>(buffer.AsSpan(0, count * size));
                convert(values.Slice(i, count), converted);
                if (!BitConverter.IsLittleEndian)
                {
                    Endianness.Reverse(converted);
                }

                stream.Write(MemoryMarshal.AsBytes(converted));
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }
}
