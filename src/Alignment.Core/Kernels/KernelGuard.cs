using System.Diagnostics.CodeAnalysis;

namespace Alignment.Kernels;

/// <summary>Up-front argument validation shared by the kernels.</summary>
internal static class KernelGuard
{
    /// <summary>Throws when a dimension is negative.</summary>
    public static void NonNegative(int value, string name)
    {
        if (value < 0)
        {
            ThrowNegative(value, name);
        }
    }

    /// <summary>Throws when a dimension is not strictly positive.</summary>
    public static void Positive(int value, string name)
    {
        if (value <= 0)
        {
            ThrowNotPositive(value, name);
        }
    }

    /// <summary>Throws when a buffer does not hold exactly <paramref name="expected"/> elements.</summary>
    public static void Length(int actual, long expected, string name)
    {
        if (actual != expected)
        {
            ThrowLength(actual, expected, name);
        }
    }

    /// <summary>Computes a product of dimensions, throwing if it cannot index a span.</summary>
    public static long Product(params ReadOnlySpan<int> dims)
    {
        long product = 1;
        foreach (int d in dims)
        {
            product *= d;
            if (product > int.MaxValue)
            {
                ThrowTooLarge(product);
            }
        }

        return product;
    }

    [DoesNotReturn]
    private static void ThrowNegative(int value, string name) =>
        throw new ArgumentOutOfRangeException(name, value, $"{name} must be non-negative.");

    [DoesNotReturn]
    private static void ThrowNotPositive(int value, string name) =>
        throw new ArgumentOutOfRangeException(name, value, $"{name} must be positive.");

    [DoesNotReturn]
    private static void ThrowLength(int actual, long expected, string name) =>
        throw new ArgumentException($"{name} has length {actual} but the shape requires {expected}.", name);

    [DoesNotReturn]
    private static void ThrowTooLarge(long product) =>
        throw new ArgumentOutOfRangeException(nameof(product), product, "Buffer shape exceeds the maximum span length.");
}
