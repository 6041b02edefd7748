using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace Alignment.Kernels;

/// <summary>
/// Finding the rows of a [rows, cols] buffer that hold anything but zeros, and putting the rows of a compact buffer
/// back in their places (they are gathered with the embedding lookup, <see cref="EmbeddingKernels.Forward"/>). A
/// linear layer's backward pass multiplies only the live rows of its output gradient: the gradient of a reward read at
/// one token per sequence, or of a loss masked to the response tokens, is zero on every other row, and a zero row
/// contributes nothing to the weight gradient and gives a zero input-gradient row.
/// </summary>
internal static class RowCompaction
{
    /// <summary>
    /// Writes to <paramref name="live"/>, in increasing order, the indices of the rows of <paramref name="x"/>
    /// ([<paramref name="rows"/>, <paramref name="cols"/>]) that hold a value other than +0 or −0 (NaN counts as
    /// live), and returns their number; returns −1 as soon as more than <paramref name="limit"/> rows are live.
    /// </summary>
    public static int FindLiveRows(ReadOnlySpan<float> x, int rows, int cols, Span<int> live, int limit)
    {
        if (x.Length < (long)rows * cols || live.Length < Math.Min(rows, limit))
        {
            throw new ArgumentException("RowCompaction: buffers shorter than the shape.");
        }

        int count = 0;
        for (int r = 0; r < rows; r++)
        {
            if (!IsZero(x.Slice(r * cols, cols)))
            {
                if (count == limit)
                {
                    return -1;
                }

                live[count++] = r;
            }
        }

        return count;
    }

    /// <summary>
    /// dst[live[i], :] (+)= src[i, :]. Without <paramref name="accumulate"/> every other row of
    /// <paramref name="dst"/> ([<paramref name="rows"/>, <paramref name="cols"/>]) is set to zero; with it they are left as they are.
    /// </summary>
    public static void Scatter(ReadOnlySpan<float> src, int cols, ReadOnlySpan<int> live, int rows, Span<float> dst, bool accumulate)
    {
        if (accumulate)
        {
            EmbeddingKernels.Backward(live, src, dst, rows, cols);
            return;
        }

        int next = 0;
        for (int r = 0; r < rows; r++)
        {
            var row = dst.Slice(r * cols, cols);
            if (next < live.Length && live[next] == r)
            {
                src.Slice(next++ * cols, cols).CopyTo(row);
            }
            else
            {
                row.Clear();
            }
        }
    }

    // True when every value is +0 or −0 (comparison as floats: NaN is not zero).
    private static bool IsZero(ReadOnlySpan<float> row)
    {
        ref float first = ref MemoryMarshal.GetReference(row);
        int n = row.Length;
        int i = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            for (; i <= n - Vector256<float>.Count; i += Vector256<float>.Count)
            {
                if (!Vector256.EqualsAll(Vector256.LoadUnsafe(ref first, (nuint)i), Vector256<float>.Zero))
                {
                    return false;
                }
            }
        }

        for (; i < n; i++)
        {
            if (row[i] != 0f)
            {
                return false;
            }
        }

        return true;
    }
}
