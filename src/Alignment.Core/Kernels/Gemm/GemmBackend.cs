namespace Alignment.Kernels;

/// <summary>The instruction set a GEMM call runs with.</summary>
internal enum GemmBackend
{
    /// <summary>Portable scalar loops.</summary>
    Scalar,

    /// <summary>256-bit vectors with FMA (AVX2 + FMA).</summary>
    Vector256,

    /// <summary>512-bit vectors (AVX-512) for the packed kernel; 256-bit for the small-M and packing code.</summary>
    Vector512,
}
