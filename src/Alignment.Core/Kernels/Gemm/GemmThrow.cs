using System.Diagnostics.CodeAnalysis;

namespace Alignment.Kernels;

/// <summary>Throw helpers kept out of line so the callers stay small and inlinable.</summary>
internal static class GemmThrow
{
    [DoesNotReturn]
    public static void Negative(string paramName) =>
        throw new ArgumentOutOfRangeException(paramName, "The value must be non-negative.");

    [DoesNotReturn]
    public static void LeadingDimension(string paramName, long required) =>
        throw new ArgumentException($"The leading dimension must be at least {required}.", paramName);

    [DoesNotReturn]
    public static void TooShort(string paramName, long required) =>
        throw new ArgumentException($"The span is too short: at least {required} elements are required.", paramName);

    [DoesNotReturn]
    public static void Unsupported(GemmBackend backend) =>
        throw new PlatformNotSupportedException($"The GEMM backend {backend} is not supported on this machine.");
}
