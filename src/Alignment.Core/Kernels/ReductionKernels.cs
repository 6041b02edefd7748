using System.Numerics.Tensors;

namespace Alignment.Kernels;

/// <summary>Reductions over the middle axis of a contiguous [outer, n, inner] buffer.</summary>
internal static class ReductionKernels
{
    // x: [outer, n, inner] → y: [outer, inner]
    public static void Sum(ReadOnlySpan<float> x, Span<float> y, int outer, int n, int inner)
    {
        if (inner == 1)
        {
            for (var o = 0; o < outer; o++)
            {
                y[o] = TensorPrimitives.Sum(x.Slice(o * n, n));
            }

            return;
        }

        y[..(outer * inner)].Clear();
        for (var o = 0; o < outer; o++)
        {
            var dst = y.Slice(o * inner, inner);
            for (var j = 0; j < n; j++)
            {
                TensorPrimitives.Add(dst, x.Slice(((o * n) + j) * inner, inner), dst);
            }
        }
    }

    // x: [outer, n, inner] → y: [outer, inner] max, index: [outer, inner] first arg-max
    public static void Max(ReadOnlySpan<float> x, Span<float> y, Span<int> index, int outer, int n, int inner)
    {
        for (var o = 0; o < outer; o++)
        {
            for (var i = 0; i < inner; i++)
            {
                var best = float.NegativeInfinity;
                var arg = 0;
                var first = true;
                for (var j = 0; j < n; j++)
                {
                    var v = x[(((o * n) + j) * inner) + i];
                    if (first || v > best || float.IsNaN(v))
                    {
                        best = v;
                        arg = j;
                        first = false;
                        if (float.IsNaN(v))
                        {
                            break;
                        }
                    }
                }

                y[(o * inner) + i] = best;
                index[(o * inner) + i] = arg;
            }
        }
    }

    // dy: [outer, inner] → dx: [outer, n, inner] += broadcast
    public static void SumBackward(ReadOnlySpan<float> dy, Span<float> dx, int outer, int n, int inner)
    {
        for (var o = 0; o < outer; o++)
        {
            var src = dy.Slice(o * inner, inner);
            for (var j = 0; j < n; j++)
            {
                var dst = dx.Slice(((o * n) + j) * inner, inner);
                if (inner == 1)
                {
                    dst[0] += src[0];
                }
                else
                {
                    TensorPrimitives.Add(dst, src, dst);
                }
            }
        }
    }

    // g: [rows, cols] → db: [cols] += column sums (bias gradients)
    public static void SumRowsAccumulate(ReadOnlySpan<float> g, Span<float> db, int rows, int cols)
    {
        for (var r = 0; r < rows; r++)
        {
            TensorPrimitives.Add(db, g.Slice(r * cols, cols), db);
        }
    }
}
