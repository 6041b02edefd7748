using System.Numerics.Tensors;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

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

    // Columns [c0, c1): 64 at a time in eight vector accumulators that walk down the rows, then 8 at a time, then one
    // by one; each column's sum starts from db (or 0) and adds the rows in order, as a scalar loop would.
    private static void SumRowsRange(ReadOnlySpan<float> g, Span<float> db, int rows, int cols, bool accumulate, int c0, int c1)
    {
        ref float g0 = ref MemoryMarshal.GetReference(g);
        ref float d0 = ref MemoryMarshal.GetReference(db);
        int c = c0;
        if (Vector256.IsHardwareAccelerated)
        {
            for (; c + 64 <= c1; c += 64)
            {
                SumRowsBlock64(ref g0, ref d0, rows, cols, accumulate, c);
            }

            for (; c + 8 <= c1; c += 8)
            {
                var acc = accumulate ? Vector256.LoadUnsafe(ref d0, (nuint)c) : Vector256<float>.Zero;
                for (var r = 0; r < rows; r++)
                {
                    acc += Vector256.LoadUnsafe(ref g0, (nuint)(((long)r * cols) + c));
                }

                acc.StoreUnsafe(ref d0, (nuint)c);
            }
        }

        for (; c < c1; c++)
        {
            var sum = accumulate ? db[c] : 0f;
            for (var r = 0; r < rows; r++)
            {
                sum += g[(r * cols) + c];
            }

            db[c] = sum;
        }
    }

    private static void SumRowsBlock64(ref float g0, ref float d0, int rows, int cols, bool accumulate, int c)
    {
        var at = (nuint)c;
        Vector256<float> a0, a1, a2, a3, a4, a5, a6, a7;
        if (accumulate)
        {
            a0 = Vector256.LoadUnsafe(ref d0, at);
            a1 = Vector256.LoadUnsafe(ref d0, at + 8);
            a2 = Vector256.LoadUnsafe(ref d0, at + 16);
            a3 = Vector256.LoadUnsafe(ref d0, at + 24);
            a4 = Vector256.LoadUnsafe(ref d0, at + 32);
            a5 = Vector256.LoadUnsafe(ref d0, at + 40);
            a6 = Vector256.LoadUnsafe(ref d0, at + 48);
            a7 = Vector256.LoadUnsafe(ref d0, at + 56);
        }
        else
        {
            a0 = a1 = a2 = a3 = a4 = a5 = a6 = a7 = Vector256<float>.Zero;
        }

        for (var r = 0; r < rows; r++)
        {
            var row = (nuint)(((long)r * cols) + c);
            a0 += Vector256.LoadUnsafe(ref g0, row);
            a1 += Vector256.LoadUnsafe(ref g0, row + 8);
            a2 += Vector256.LoadUnsafe(ref g0, row + 16);
            a3 += Vector256.LoadUnsafe(ref g0, row + 24);
            a4 += Vector256.LoadUnsafe(ref g0, row + 32);
            a5 += Vector256.LoadUnsafe(ref g0, row + 40);
            a6 += Vector256.LoadUnsafe(ref g0, row + 48);
            a7 += Vector256.LoadUnsafe(ref g0, row + 56);
        }

        a0.StoreUnsafe(ref d0, at);
        a1.StoreUnsafe(ref d0, at + 8);
        a2.StoreUnsafe(ref d0, at + 16);
        a3.StoreUnsafe(ref d0, at + 24);
        a4.StoreUnsafe(ref d0, at + 32);
        a5.StoreUnsafe(ref d0, at + 40);
        a6.StoreUnsafe(ref d0, at + 48);
        a7.StoreUnsafe(ref d0, at + 56);
    }
}
