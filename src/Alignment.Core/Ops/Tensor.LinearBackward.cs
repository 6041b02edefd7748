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
                    if (x.RequiresGrad)
                    {
                        var dx = AutogradEngine.GradSpanForWrite(x, out var accumulateDx);
                        using var dxc = new PooledBuffer(count * inFeatures, zero: false);
                        InputGradient(gc.Span, w, count, inFeatures, outFeatures, weightIsInOut, dxc.Span, accumulate: false);
                        RowCompaction.Scatter(dxc.Span, inFeatures, live, rows, dx, accumulateDx);
                    }

                    if (w.RequiresGrad)
                    {
                        using var xc = new PooledBuffer(count * inFeatures, zero: false);
                        EmbeddingKernels.Forward(live, x.Span, xc.Span, rows, inFeatures);
                        WeightGradient(gc.Span, xc.Span, w, count, inFeatures, outFeatures, weightIsInOut);
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

        if (x.RequiresGrad)
        {
            var dx = AutogradEngine.GradSpanForWrite(x, out var accumulateDx);
            InputGradient(gs, w, rows, inFeatures, outFeatures, weightIsInOut, dx, accumulateDx);
        }

        if (w.RequiresGrad)
        {
            WeightGradient(gs, x.Span, w, rows, inFeatures, outFeatures, weightIsInOut);
        }

        BiasGradient(gs, bc, rows, outFeatures);
    }

    // dx [rows, in] (+)= g [rows, out] · Wᵀ
    private static void InputGradient(ReadOnlySpan<float> gs, Tensor w, int rows, int inFeatures, int outFeatures, bool weightIsInOut, Span<float> dx, bool accumulate) =>
        Gemm.Multiply(false, weightIsInOut, rows, inFeatures, outFeatures, gs, outFeatures, w.Span, weightIsInOut ? outFeatures : inFeatures, dx, inFeatures, accumulate);

    private static void WeightGradient(ReadOnlySpan<float> gs, ReadOnlySpan<float> xs, Tensor w, int rows, int inFeatures, int outFeatures, bool weightIsInOut)
    {
        var dw = AutogradEngine.GradSpanForWrite(w, out var accumulateDw);
        if (weightIsInOut)
        {
            // dW [in, out] += xᵀ [in, rows] · g [rows, out]
            Gemm.Multiply(true, false, inFeatures, outFeatures, rows, xs, inFeatures, gs, outFeatures, dw, outFeatures, accumulateDw);
        }
        else
        {
            // dW [out, in] += gᵀ [out, rows] · x [rows, in]
            Gemm.Multiply(true, false, outFeatures, inFeatures, rows, gs, outFeatures, xs, inFeatures, dw, inFeatures, accumulateDw);
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
