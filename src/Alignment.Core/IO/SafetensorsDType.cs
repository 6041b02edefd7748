namespace Alignment.IO;

/// <summary>
/// Element types of a safetensors tensor that this library reads and writes. Each member's name is
/// the exact string used in the file's <c>"dtype"</c> field. All data is little-endian.
/// </summary>
public enum SafetensorsDType
{
    /// <summary>IEEE 754 binary32 (<see cref="float"/>), 4 bytes per element.</summary>
    F32 = 0,

    /// <summary>IEEE 754 binary16 (<see cref="Half"/>), 2 bytes per element.</summary>
    F16 = 1,

    /// <summary>bfloat16: the upper 16 bits of a binary32, 2 bytes per element.</summary>
    BF16 = 2,

    /// <summary>Signed 64-bit integer (<see cref="long"/>), 8 bytes per element.</summary>
    I64 = 3,

    /// <summary>Signed 32-bit integer (<see cref="int"/>), 4 bytes per element.</summary>
    I32 = 4,
}
