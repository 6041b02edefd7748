using System.Text;

namespace Alignment;

/// <summary>Shape arithmetic: counts, strides, broadcasting, dimension normalisation.</summary>
internal static class Shapes
{
    public static int Count(ReadOnlySpan<int> shape)
    {
        var n = 1;
        foreach (var d in shape)
        {
            n *= d;
        }

        return n;
    }

    public static int[] ContiguousStrides(ReadOnlySpan<int> shape)
    {
        var strides = new int[shape.Length];
        var s = 1;
        for (var d = shape.Length - 1; d >= 0; d--)
        {
            strides[d] = s;
            s *= shape[d];
        }

        return strides;
    }

    public static bool IsContiguous(ReadOnlySpan<int> shape, ReadOnlySpan<int> strides)
    {
        var expected = 1;
        for (var d = shape.Length - 1; d >= 0; d--)
        {
            if (shape[d] != 1 && strides[d] != expected)
            {
                return false;
            }

            expected *= shape[d];
        }

        return true;
    }

    public static int NormalizeDim(int dim, int rank)
    {
        var d = dim < 0 ? dim + rank : dim;
        if ((uint)d >= (uint)Math.Max(rank, 1) || (rank == 0 && d != 0))
        {
            throw new ArgumentOutOfRangeException(nameof(dim), $"Dimension {dim} is out of range for a tensor of rank {rank}.");
        }

        return d;
    }

    public static bool SameShape(ReadOnlySpan<int> a, ReadOnlySpan<int> b) => a.SequenceEqual(b);

    /// <summary>The NumPy broadcast of two shapes, or an exception naming both.</summary>
    public static int[] Broadcast(ReadOnlySpan<int> a, ReadOnlySpan<int> b)
    {
        var rank = Math.Max(a.Length, b.Length);
        var result = new int[rank];
        for (var i = 0; i < rank; i++)
        {
            var da = i < rank - a.Length ? 1 : a[i - (rank - a.Length)];
            var db = i < rank - b.Length ? 1 : b[i - (rank - b.Length)];
            if (da != db && da != 1 && db != 1)
            {
                throw new ArgumentException($"Shapes {Format(a)} and {Format(b)} cannot be broadcast together (dimension {i}: {da} vs {db}).");
            }

            result[i] = da == 1 ? db : da;
        }

        return result;
    }

    /// <summary>Strides that read a tensor of <paramref name="shape"/>/<paramref name="strides"/> as if broadcast to <paramref name="target"/> (0 on broadcast dimensions).</summary>
    public static int[] BroadcastStrides(ReadOnlySpan<int> shape, ReadOnlySpan<int> strides, ReadOnlySpan<int> target)
    {
        var result = new int[target.Length];
        var shift = target.Length - shape.Length;
        for (var i = 0; i < target.Length; i++)
        {
            if (i < shift)
            {
                continue;
            }

            result[i] = shape[i - shift] == 1 && target[i] != 1 ? 0 : strides[i - shift];
        }

        return result;
    }

    public static string Format(ReadOnlySpan<int> shape)
    {
        var sb = new StringBuilder("[");
        for (var i = 0; i < shape.Length; i++)
        {
            sb.Append(i == 0 ? string.Empty : ", ").Append(shape[i]);
        }

        return sb.Append(']').ToString();
    }
}
