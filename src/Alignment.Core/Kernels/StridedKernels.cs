namespace Alignment.Kernels;

/// <summary>Copies or accumulates between two strided layouts of the same logical shape.</summary>
internal static class StridedKernels
{
    private const int MaxRank = 16;

    /// <summary>
    /// dst[dstOffset + Σ i·dstStrides] (+)= src[srcOffset + Σ i·srcStrides] over every index i of <paramref name="shape"/>.
    /// Adjacent dimensions that are contiguous in both layouts are merged so the inner loop is as long as possible.
    /// </summary>
    public static void Copy(ReadOnlySpan<float> src, int srcOffset, ReadOnlySpan<int> srcStrides,
        Span<float> dst, int dstOffset, ReadOnlySpan<int> dstStrides, ReadOnlySpan<int> shape, bool accumulate)
    {
        if (shape.Length > MaxRank)
        {
            throw new NotSupportedException($"Tensors of rank above {MaxRank} are not supported.");
        }

        Span<int> dims = stackalloc int[MaxRank];
        Span<int> ss = stackalloc int[MaxRank];
        Span<int> ds = stackalloc int[MaxRank];
        var rank = Coalesce(shape, srcStrides, dstStrides, dims, ss, ds);
        if (rank < 0)
        {
            return; // empty
        }

        var inner = dims[rank - 1];
        var si = ss[rank - 1];
        var di = ds[rank - 1];
        Span<int> index = stackalloc int[MaxRank];
        index[..rank].Clear();
        var so = srcOffset;
        var doff = dstOffset;
        while (true)
        {
            if (si == 1 && di == 1)
            {
                var s = src.Slice(so, inner);
                var d = dst.Slice(doff, inner);
                if (accumulate)
                {
                    System.Numerics.Tensors.TensorPrimitives.Add(d, s, d);
                }
                else
                {
                    s.CopyTo(d);
                }
            }
            else if (accumulate)
            {
                for (int j = 0, a = so, b = doff; j < inner; j++, a += si, b += di)
                {
                    dst[b] += src[a];
                }
            }
            else
            {
                for (int j = 0, a = so, b = doff; j < inner; j++, a += si, b += di)
                {
                    dst[b] = src[a];
                }
            }

            var dim = rank - 2;
            while (dim >= 0)
            {
                index[dim]++;
                so += ss[dim];
                doff += ds[dim];
                if (index[dim] < dims[dim])
                {
                    break;
                }

                so -= ss[dim] * dims[dim];
                doff -= ds[dim] * dims[dim];
                index[dim] = 0;
                dim--;
            }

            if (dim < 0)
            {
                return;
            }
        }
    }

    /// <summary>
    /// Drops size-1 dimensions and merges neighbours that are contiguous in both layouts.
    /// Returns the new rank (at least 1), or −1 when the shape has no elements.
    /// </summary>
    public static int Coalesce(ReadOnlySpan<int> shape, ReadOnlySpan<int> aStrides, ReadOnlySpan<int> bStrides,
        Span<int> dims, Span<int> aOut, Span<int> bOut)
    {
        var rank = 0;
        for (var d = 0; d < shape.Length; d++)
        {
            if (shape[d] == 0)
            {
                return -1;
            }

            if (shape[d] == 1)
            {
                continue;
            }

            if (rank > 0 && aOut[rank - 1] == aStrides[d] * shape[d] && bOut[rank - 1] == bStrides[d] * shape[d])
            {
                dims[rank - 1] *= shape[d];
                aOut[rank - 1] = aStrides[d];
                bOut[rank - 1] = bStrides[d];
                continue;
            }

            dims[rank] = shape[d];
            aOut[rank] = aStrides[d];
            bOut[rank] = bStrides[d];
            rank++;
        }

        if (rank == 0)
        {
            dims[0] = 1;
            aOut[0] = 1;
            bOut[0] = 1;
            rank = 1;
        }

        return rank;
    }
}
