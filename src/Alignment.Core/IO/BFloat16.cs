using System.Numerics.Tensors;
using System.Runtime.InteropServices;

namespace Alignment.IO;

/// <summary>Conversions between float32 and bfloat16 bit patterns (the upper 16 bits of a float32).</summary>
internal static class BFloat16
{
    /// <summary>Widens bfloat16 bit patterns to float32 exactly (shift into the upper half).</summary>
    public static void ToSingle(ReadOnlySpan<ushort> source, Span<float> destination)
    {
        Span<uint> bits = MemoryMarshal.Cast<float, uint>(destination[..source.Length]);
        TensorPrimitives.ConvertTruncating<ushort, uint>(source, bits);
        TensorPrimitives.ShiftLeft<uint>(bits, 16, bits);
    }

    /// <summary>Widens one bfloat16 bit pattern to float32 exactly.</summary>
    public static float ToSingle(ushort bits) => BitConverter.UInt32BitsToSingle((uint)bits << 16);

    /// <summary>Narrows float32 values to bfloat16 with round-to-nearest-even. NaN stays NaN (quiet, sign kept);
    /// values that round past the largest finite bfloat16 become infinity, as IEEE rounding requires.</summary>
    public static void FromSingle(ReadOnlySpan<float> source, Span<ushort> destination)
    {
        destination = destination[..source.Length];
        for (int i = 0; i < source.Length; i++)
        {
            destination[i] = FromSingle(source[i]);
        }
    }

    /// <summary>Narrows one float32 to bfloat16 with round-to-nearest-even.</summary>
    public static ushort FromSingle(float value)
    {
        uint bits = BitConverter.SingleToUInt32Bits(value);
        if (float.IsNaN(value))
        {
            return (ushort)((bits >> 16) | 0x0040);
        }

        uint lsb = (bits >> 16) & 1;
        return (ushort)((bits + 0x7FFFu + lsb) >> 16);
    }
}
