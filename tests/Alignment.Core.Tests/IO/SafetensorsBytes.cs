using System.Buffers.Binary;
using System.Text;

namespace Alignment.Tests.IO;

/// <summary>Builds raw safetensors bytes by hand, so tests control every byte (independently of the writer).</summary>
internal static class SafetensorsBytes
{
    /// <summary>8-byte little-endian header length, the UTF-8 header, then <paramref name="data"/>.</summary>
    public static byte[] Build(string header, byte[]? data = null, ulong? headerLength = null) =>
        Build(Encoding.UTF8.GetBytes(header), data, headerLength);

    /// <summary>8-byte little-endian header length, the header bytes, then <paramref name="data"/>.</summary>
    public static byte[] Build(byte[] header, byte[]? data = null, ulong? headerLength = null)
    {
        data ??= [];
        var bytes = new byte[8 + header.Length + data.Length];
        BinaryPrimitives.WriteUInt64LittleEndian(bytes, headerLength ?? (ulong)header.Length);
        header.CopyTo(bytes, 8);
        data.CopyTo(bytes, 8 + header.Length);
        return bytes;
    }

    /// <summary>One entry's JSON, e.g. <c>"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}</c>.</summary>
    public static string Entry(string name, string dtype, string shape, long begin, long end) =>
        $"\"{name}\":{{\"dtype\":\"{dtype}\",\"shape\":{shape},\"data_offsets\":[{begin},{end}]}}";

    /// <summary>The header length stored in <paramref name="file"/>.</summary>
    public static ulong HeaderLength(byte[] file) => BinaryPrimitives.ReadUInt64LittleEndian(file);

    /// <summary>Little-endian float32 bytes.</summary>
    public static byte[] Singles(params float[] values)
    {
        var bytes = new byte[values.Length * 4];
        for (int i = 0; i < values.Length; i++)
        {
            BinaryPrimitives.WriteSingleLittleEndian(bytes.AsSpan(i * 4), values[i]);
        }

        return bytes;
    }

    /// <summary>Little-endian 16-bit patterns (F16 or BF16 bits).</summary>
    public static byte[] UInt16s(params ushort[] values)
    {
        var bytes = new byte[values.Length * 2];
        for (int i = 0; i < values.Length; i++)
        {
            BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan(i * 2), values[i]);
        }

        return bytes;
    }
}
