using System.Numerics.Tensors;

namespace Alignment.Kernels;

/// <summary>
/// Broadcasting drivers over contiguous operands: a binary operator applied to two broadcast inputs, and
/// the reverse, summing a full-size gradient down to a broadcast input's shape.
/// </summary>
internal static class BroadcastKernels
{
    private const int MaxRank = 16;

    /// <summary>y[outShape] = a ⊕ b, with a and b contiguous in their own shapes.</summary>
    public static void Binary<TOp>(ReadOnlySpan<float> a, int[] aShape, ReadOnlySpan<float> b, int[] bShape, Span<float> y, int[] outShape)
        where TOp : IBinaryOperator
    {
        if (a.Length == y.Length && b.Length == y.Length)
        {
            ParallelSpans.Binary<TOp>(a, b, y);
            return;
        }

        if (b.Length == 1 && a.Length == y.Length)
        {
            TOp.Invoke(a, b[0], y);
            return;
        }

        if (a.Length == 1 && b.Length == y.Length)
        {
            TOp.Invoke(a[0], b, y);
            return;
        }

        var sa = Shapes.BroadcastStrides(aShape, Shapes.ContiguousStrides(aShape), outShape);
        var sb = Shapes.BroadcastStrides(bShape, Shapes.ContiguousStrides(bShape), outShape);
        Span<int> dims = stackalloc int[MaxRank];
        Span<int> ca = stackalloc int[MaxRank];
        Span<int> cb = stackalloc int[MaxRank];
        var rank = StridedKernels.Coalesce(outShape, sa, sb, dims, ca, cb);
        if (rank < 0)
        {
            return;
        }

        var inner = dims[rank - 1];
        var ia = ca[rank - 1];
        var ib = cb[rank - 1];
        Span<int> index = stackalloc int[MaxRank];
        index[..rank].Clear();
        int oa = 0, ob = 0, oy = 0;
        while (true)
        {
            var yRun = y.Slice(oy, inner);
            if (ia == 1 && ib == 1)
            {
                TOp.Invoke(a.Slice(oa, inner), b.Slice(ob, inner), yRun);
            }
            else if (ia == 1)
            {
                TOp.Invoke(a.Slice(oa, inner), b[ob], yRun);
            }
            else if (ib == 1)
            {
                TOp.Invoke(a[oa], b.Slice(ob, inner), yRun);
            }
            else
            {
                // both broadcast along the inner run (only possible when inner == 1 after coalescing)
                for (var j = 0; j < inner; j++)
                {
                    TOp.Invoke(a.Slice(oa + (j * ia), 1), b.Slice(ob + (j * ib), 1), yRun.Slice(j, 1));
                }
            }

            oy += inner;
            var dim = rank - 2;
            while (dim >= 0)
            {
                index[dim]++;
                oa += ca[dim];
                ob += cb[dim];
                if (index[dim] < dims[dim])
                {
                    break;
                }

                oa -= ca[dim] * dims[dim];
                ob -= cb[dim] * dims[dim];
                index[dim] = 0;
                dim--;
            }

            if (dim < 0)
            {
                return;
            }
        }
    }

    /// <summary>dst[dstShape] += Σ over broadcast dimensions of src[srcShape] (srcShape is the broadcast of dstShape).</summary>
    public static void ReduceAccumulate(ReadOnlySpan<float> src, int[] srcShape, Span<float> dst, int[] dstShape)
    {
        if (src.Length == dst.Length)
        {
            TensorPrimitives.Add(dst, src, dst);
            return;
        }

        if (dst.Length == 1)
        {
            dst[0] += TensorPrimitives.Sum(src);
            return;
        }

        var ds = Shapes.BroadcastStrides(dstShape, Shapes.ContiguousStrides(dstShape), srcShape);
        var ss = Shapes.ContiguousStrides(srcShape);
        Span<int> dims = stackalloc int[MaxRank];
        Span<int> cs = stackalloc int[MaxRank];
        Span<int> cd = stackalloc int[MaxRank];
        var rank = StridedKernels.Coalesce(srcShape, ss, ds, dims, cs, cd);
        if (rank < 0)
        {
            return;
        }

        var inner = dims[rank - 1];
        var id = cd[rank - 1];
        Span<int> index = stackalloc int[MaxRank];
        index[..rank].Clear();
        int os = 0, od = 0;
        while (true)
        {
            var run = src.Slice(os, inner);
            if (id == 1)
            {
                var d = dst.Slice(od, inner);
                TensorPrimitives.Add(d, run, d);
            }
            else
            {
                dst[od] += TensorPrimitives.Sum(run);
            }

            os += inner;
            var dim = rank - 2;
            while (dim >= 0)
            {
                index[dim]++;
                od += cd[dim];
                if (index[dim] < dims[dim])
                {
                    break;
                }

                od -= cd[dim] * dims[dim];
                index[dim] = 0;
                dim--;
            }

            if (dim < 0)
            {
                return;
            }
        }
    }
}
