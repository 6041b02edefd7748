using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Alignment.Kernels;

/// <summary>
/// Weights stored as bfloat16 bit patterns (the upper half of a float32): loads widen exactly (zero-extend, shift
/// into the upper half); stores round to nearest, ties to even, as <see cref="IO.BFloat16.FromSingle(float)"/> does
/// (NaN stays a quiet NaN). Half the bytes of float32 to stream, with an 8-bit mantissa.
/// </summary>
internal readonly unsafe struct BFloat16Element : IDecodeElement<ushort>
{
    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Load(ushort* source) =>
        Avx2.ShiftLeftLogical(Avx2.ConvertToVector256Int32(source), 16).AsSingle();

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Store(Vector256<float> values, ushort* destination)
    {
        Vector256<uint> bits = values.AsUInt32();
        // Round to nearest even: add 0x7FFF plus the lowest kept bit, keep the upper half.
        Vector256<uint> lowestKept = Avx2.And(Avx2.ShiftRightLogical(bits, 16), Vector256.Create(1u));
        Vector256<uint> rounded = Avx2.ShiftRightLogical(Avx2.Add(Avx2.Add(bits, Vector256.Create(0x7FFFu)), lowestKept), 16);
        // NaN: the upper half with the quiet bit set.
        Vector256<uint> quietNaN = Avx2.Or(Avx2.ShiftRightLogical(bits, 16), Vector256.Create(0x0040u));
        Vector256<uint> isNaN = Avx.CompareUnordered(values, values).AsUInt32();
        Vector256<int> result = Avx2.BlendVariable(rounded, quietNaN, isNaN).AsInt32();
        // Every lane holds 0..0xFFFF, so the saturating pack keeps it as it is.
        Vector128<ushort> narrow = Sse41.PackUnsignedSaturate(result.GetLower(), result.GetUpper());
        Vector128.Store(narrow, destination);
    }

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ushort FromSingle(float value) => IO.BFloat16.FromSingle(value);
}
