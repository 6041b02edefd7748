namespace Alignment.IO;

/// <summary>Shape arithmetic shared by the reader and the writer.</summary>
internal static class SafetensorsShape
{
    /// <summary>Computes the product of <paramref name="shape"/> (1 for a scalar). Returns <see langword="false"/>
    /// when a dimension is negative or the product exceeds <see cref="Array.MaxLength"/>.</summary>
    public static bool TryGetElementCount(ReadOnlySpan<int> shape, out long count)
    {
        count = 1;
        foreach (int dim in shape)
        {
            if (dim < 0)
            {
                count = 0;
                return false;
            }

            if (dim == 0)
            {
                count = 0;
            }
        }

        if (count == 0)
        {
            return true;
        }

        foreach (int dim in shape)
        {
            // count <= Array.MaxLength and dim <= int.MaxValue, so the product cannot overflow a long.
            count *= dim;
            if (count > Array.MaxLength)
            {
                count = 0;
                return false;
            }
        }

        return true;
    }

    /// <summary>Formats a shape as <c>[2, 3]</c> for messages.</summary>
    public static string Format(ReadOnlySpan<int> shape) => "[" + string.Join(", ", shape.ToArray()) + "]";
}
