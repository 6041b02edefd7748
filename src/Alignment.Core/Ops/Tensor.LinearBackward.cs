using System.Buffers;
using Alignment.Kernels;

namespace Alignment;

public sealed partial class Tensor
{
    // Below this many rows the backward pass multiplies all of them.
    private const int CompactMinRows = 16;

    // The backward pass of LinearCore. A zero row of the output gradient adds nothing to dW and db and gives a zero
    // row of dx, so when at most three quarters of the rows are live (a reward read at the last token, a loss masked
    // to the response) only those rows are multiplied: the same sums without the zero terms, which the product of
    // fewer rows may group differently (the last bits can differ from the full product's).
    private static void LinearBackward(ReadOnlySpan<float> gs, Tensor x, Tensor w, Tensor? bc, int rows, int inFeatures, int outFeatures, bool weightIsInOut)
    {
        if (rows >= CompactMinRows)
        {
            var rented = ArrayPool<int>.Shared.Rent(rows);
            try
            {
                var count = RowCompaction.FindLiveRows(gs, rows, outFeatures, rented, rows / 4 * 3);
                if (count >= 0)
                {
                    ReadOnlySpan<int> live = rented.AsSpan(0, count);
                    using var gc = new PooledBuffer(count * outFeatures, zero: false);
                    EmbeddingKernels.Forward(live, gs, gc.Span, rows, outFeatures);
                    using var dxc = x.RequiresGrad ? new PooledBuffer(count * inFeatures, zero: false) : default;
                    using var xc = w.RequiresGrad ? new PooledBuffer(count * inFeatures, zero: false) : default;
                    if (w.RequiresGrad)
                    {
                        EmbeddingKernels.Forward(live, x.Span, xc.Span, rows, inFeatures);
                    }

                    InputAndWeightGradients(gc.Span, xc.Span, w, dxc.Span, accumulateDx: false, count, inFeatures, outFeatures, weightIsInOut);
                    if (x.RequiresGrad)
                    {
                        var dx = AutogradEngine.GradSpanForWrite(x, out var accumulateDx);
                        RowCompaction.Scatter(dxc.Span, inFeatures, live, rows, dx, accumulateDx);
                    }

                    BiasGradient(gc.Span, bc, count, outFeatures);
                    return;
                }
            }
            finally
            {
                ArrayPool<int>.Shared.Return(rented);
            }
        }

        bool accumulate = false;
        var dxs = x.RequiresGrad ? AutogradEngine.GradSpanForWrite(x, out accumulate) : default;
        InputAndWeightGradients(gs, w.RequiresGrad ? x.Span : default, w, dxs, accumulate, rows, inFeatures, outFeatures, weightIsInOut);
        BiasGradient(gs, bc, rows, outFeatures);
    }

    // dx (+)= g · Wᵀ when dx is not empty, and W's gradient (+)= gᵀ · x when W requires one (xs then holds x). When
    // both are wanted on a team of two threads, each product runs whole on its own thread: one wait instead of two,
    // and no operand packed by both threads, which measured about 1.5 % off a small-model training step
    // (BENCHMARKS.md). A product's values do not depend on how many threads compute it. One tensor as both input and
    // weight has one gradient buffer, so its two products run one after the other.
    private static unsafe void InputAndWeightGradients(ReadOnlySpan<float> gs, ReadOnlySpan<float> xs, Tensor w, Span<float> dx, bool accumulateDx,
        int rows, int inFeatures, int outFeatures, bool weightIsInOut)
    {
        int threads = WorkerTeam.Shared.Threads;
        ReadOnlySpan<float> ws = w.Span;
        bool inputGradient = !dx.IsEmpty;
        bool accumulateDw = false;
        Span<float> dw = w.RequiresGrad ? AutogradEngine.GradSpanForWrite(w, out accumulateDw) : default;
        if (!inputGradient || !w.RequiresGrad || threads != 2 || (long)rows * inFeatures * outFeatures < Gemm.ParallelWork || dx.Overlaps(dw))
        {
            if (inputGradient)
            {
                InputGradient(gs, ws, rows, inFeatures, outFeatures, weightIsInOut, dx, accumulateDx, threads);
            }

            if (w.RequiresGrad)
            {
                WeightGradient(gs, xs, dw, accumulateDw, rows, inFeatures, outFeatures, weightIsInOut, threads);
            }

            return;
        }

        fixed (float* pg = gs, px = xs, pw = ws, pdx = dx, pdw = dw)
        {
            var g = new PinnedBuffer<float>(pg, gs.Length);
            var xb = new PinnedBuffer<float>(px, xs.Length);
            var wb = new PinnedBuffer<float>(pw, ws.Length);
            var dxb = new PinnedBuffer<float>(pdx, dx.Length);
            var dwb = new PinnedBuffer<float>(pdw, dw.Length);
            WorkerTeam.Shared.For(2, product =>
            {
                if (product == 0)
                {
                    InputGradient(g.ReadOnlySpan, wb.ReadOnlySpan, rows, inFeatures, outFeatures, weightIsInOut, dxb.Span, accumulateDx, threads: 1);
                }
                else
                {
                    WeightGradient(g.ReadOnlySpan, xb.ReadOnlySpan, dwb.Span, accumulateDw, rows, inFeatures, outFeatures, weightIsInOut, threads: 1);
                }
            });
        }
    }

    // dx [rows, in] (+)= g [rows, out] · Wᵀ
    private static void InputGradient(ReadOnlySpan<float> gs, ReadOnlySpan<float> ws, int rows, int inFeatures, int outFeatures, bool weightIsInOut,
        Span<float> dx, bool accumulate, int threads) =>
        Gemm.Multiply(false, weightIsInOut, rows, inFeatures, outFeatures, gs, outFeatures, ws, weightIsInOut ? outFeatures : inFeatures,
            dx, inFeatures, accumulate, Gemm.DefaultBackend, threads);

    private static void WeightGradient(ReadOnlySpan<float> gs, ReadOnlySpan<float> xs, Span<float> dw, bool accumulate, int rows, int inFeatures, int outFeatures,
        bool weightIsInOut, int threads)
    {
        if (weightIsInOut)
        {
            // dW [in, out] (+)= xᵀ [in, rows] · g [rows, out]
            Gemm.Multiply(true, false, inFeatures, outFeatures, rows, xs, inFeatures, gs, outFeatures, dw, outFeatures, accumulate, Gemm.DefaultBackend, threads);
        }
        else
        {
            // dW [out, in] (+)= gᵀ [out, rows] · x [rows, in]
            Gemm.Multiply(true, false, outFeatures, inFeatures, rows, gs, outFeatures, xs, inFeatures, dw, inFeatures, accumulate, Gemm.DefaultBackend, threads);
        }
    }

    private static void BiasGradient(ReadOnlySpan<float> gs, Tensor? bc, int rows, int outFeatures)
    {
        if (bc is not null && bc.RequiresGrad)
        {
            var db = AutogradEngine.GradSpanForWrite(bc, out var accumulateDb);
            ReductionKernels.SumRows(gs, db, rows, outFeatures, accumulateDb);
        }
    }
}
