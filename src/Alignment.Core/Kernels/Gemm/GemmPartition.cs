namespace Alignment.Kernels;

/// <summary>Splitting of loop extents into blocks and of block counts across threads.</summary>
internal static class GemmPartition
{
    /// <summary>
    /// Block size for <paramref name="extent"/> near <paramref name="target"/>: the extent is cut into
    /// ceil(extent/target) blocks of (almost) equal size, rounded up to a multiple of <paramref name="multiple"/>.
    /// </summary>
    public static int BlockSize(int extent, int target, int multiple)
    {
        if (extent <= target)
        {
            return Math.Max(extent, 1);
        }

        int blocks = (extent + target - 1) / target;
        int size = (extent + blocks - 1) / blocks;
        size = (size + multiple - 1) / multiple * multiple;
        return Math.Min(size, target);
    }

    /// <summary>The half-open range of <paramref name="count"/> items that part <paramref name="index"/> of <paramref name="parts"/> gets.</summary>
    public static (int Start, int End) Range(int count, int parts, int index)
    {
        int quotient = count / parts;
        int remainder = count % parts;
        int start = (index * quotient) + Math.Min(index, remainder);
        int end = start + quotient + (index < remainder ? 1 : 0);
        return (start, end);
    }
}
