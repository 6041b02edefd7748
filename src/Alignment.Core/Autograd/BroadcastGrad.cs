using System.Numerics.Tensors;
using Alignment.Kernels;

namespace Alignment;

/// <summary>
/// Accumulates a full-size (broadcast) gradient contribution into one input of a binary operation,
/// summing over the dimensions that input was broadcast along.
/// </summary>
internal sealed class BroadcastGrad(Tensor input, Tensor outputGrad) : IDisposable
{
    private readonly List<PooledBuffer> _temps = [];

    private bool SameShape => input.ElementCount == outputGrad.ElementCount;

    /// <summary>dInput += reduce(g).</summary>
    public void Accumulate(Tensor g)
    {
        if (SameShape)
        {
            // A first contribution is copied rather than added to zeros.
            var dx = AutogradEngine.GradSpanForWrite(input, out var accumulate);
            if (accumulate)
            {
                ParallelSpans.Binary<BinaryOperators.Add>(dx, g.Span, dx);
            }
            else
            {
                ParallelSpans.Copy(g.Span, dx);
            }

            return;
        }

        BroadcastKernels.ReduceAccumulate(g.Span, g.ShapeArray, AutogradEngine.GradSpan(input), input.ShapeArray);
    }

    /// <summary>dInput += reduce(transform(g)).</summary>
    public void Accumulate(Tensor g, SpanMap transform)
    {
        var t = Temp();
        transform(g.Span, t);
        AccumulateFull(t);
    }

    /// <summary>dInput += reduce(g · other).</summary>
    public void AccumulateProduct(Tensor g, Tensor other)
    {
        if (SameShape && other.ElementCount == g.ElementCount)
        {
            var dx = AutogradEngine.GradSpan(input);
            TensorPrimitives.FusedMultiplyAdd(g.Span, other.Span, dx, dx);
            return;
        }

        AccumulateBinary<BinaryOperators.Multiply>(g, other);
    }

    /// <summary>dInput += reduce(g ⊕ other).</summary>
    public void AccumulateBinary<TOp>(Tensor g, Tensor other)
        where TOp : IBinaryOperator
    {
        var t = Temp();
        BroadcastKernels.Binary<TOp>(g.Span, g.ShapeArray, other.Span, other.ShapeArray, t, g.ShapeArray);
        AccumulateFull(t);
    }

    /// <summary>dInput += reduce(t) for a full-size contribution t.</summary>
    public void AccumulateFull(ReadOnlySpan<float> t) =>
        BroadcastKernels.ReduceAccumulate(t, outputGrad.ShapeArray, AutogradEngine.GradSpan(input), input.ShapeArray);

    /// <summary>A full-size scratch buffer, freed with this object.</summary>
    public Span<float> Temp()
    {
        var buffer = new PooledBuffer(outputGrad.ElementCount, zero: false);
        _temps.Add(buffer);
        return buffer.Span;
    }

    /// <summary>A full-size copy of <paramref name="x"/> broadcast to the output's shape.</summary>
    public PooledBuffer Broadcast(Tensor x)
    {
        var buffer = new PooledBuffer(outputGrad.ElementCount, zero: false);
        var strides = Shapes.BroadcastStrides(x.ShapeArray, Shapes.ContiguousStrides(x.ShapeArray), outputGrad.ShapeArray);
        StridedKernels.Copy(x.Span, 0, strides, buffer.Span, 0, Shapes.ContiguousStrides(outputGrad.ShapeArray), outputGrad.ShapeArray, accumulate: false);
        return buffer;
    }

    public void Dispose()
    {
        foreach (var t in _temps)
        {
            t.Dispose();
        }

        _temps.Clear();
    }
}
