using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Alignment.IO;

/// <summary>Byte-order reversal for big-endian hosts (safetensors data is always little-endian).</summary>
internal static class Endianness
{
    /// <summary>Reverses the byte order of every element in place.</summary>
    public static void Reverse<T>(Span<T> values)
        where T : unmanaged, IBinaryInteger<T>
    {
        int size = Unsafe.SizeOf<T>();
        Span<byte> bytes = MemoryMarshal.AsBytes(values);
        for (int i = 0; i < bytes.Length; i += size)
        {
            bytes.Slice(i, size).Reverse();
        }
    }
}
