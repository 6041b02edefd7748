using System.Numerics.Tensors;

namespace Alignment.Kernels;

/// <summary>Reductions over the middle axis of a contiguous [outer, n, inner] buffer.</summary>
internal static class ReductionKernels
{
    // Ones for SumRows, grown as needed (a new array replaces a shorter one; none is written once published).
    private static float[] _ones = [];

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

    // g: [rows, cols] → db: [cols] = (or += with accumulate) column sums. Large inputs are split by columns across
    // threads; each column is summed in row order either way, so the result does not depend on the split.
    public static void SumRows(ReadOnlySpan<float> g, Span<float> db, int rows, int cols, bool accumulate)
    {
        KernelGuard.Length(g.Length, KernelGuard.Product(rows, cols), nameof(g));
        KernelGuard.Length(db.Length, cols, nameof(db));
        // Column blocks of 64 floats (whole cache lines) per chunk.
        int blocks = (cols + 63) / 64;
        int chunks = KernelParallel.ChunkCount(blocks, (long)rows * cols);
        if (chunks == 1)
        {
            SumRowsRange(g, db, rows, cols, accumulate, 0, cols);
            return;
        }

        unsafe
        {
            fixed (float* pg = g, pd = db)
            {
                var bg = new PinnedBuffer<float>(pg, g.Length);
                var bd = new PinnedBuffer<float>(pd, db.Length);
                KernelParallel.For(blocks, chunks, (s, e) => SumRowsRange(bg.ReadOnlySpan, bd.Span, rows, cols, accumulate, s * 64, Math.Min(cols, e * 64)));
            }
        }
    }

    // Columns [c0, c1), each summed in row order: rows weighted by 1, which adds each value exactly as an addition
    // would, 64 columns at a time in registers.
    private static void SumRowsRange(ReadOnlySpan<float> g, Span<float> db, int rows, int cols, bool accumulate, int c0, int c1)
    {
        if (!accumulate)
        {
            db[c0..c1].Clear();
        }

        GemvOps.AccumulateRows(Ones(rows), g[..(rows * cols)], db[..cols], c0, c1);
    }

    // The first `count` of _ones.
    private static ReadOnlySpan<float> Ones(int count)
    {
        float[] ones = Volatile.Read(ref _ones);
        if (ones.Length < count)
        {
            ones = new float[Math.Max(count, ones.Length * 2)];
            Array.Fill(ones, 1f);
            Volatile.Write(ref _ones, ones);
        }

        return ones.AsSpan(0, count);
    }
}
