namespace Alignment;

public sealed partial class Tensor
{
    /// <summary>
    /// torch.gather: result[i][j][k] = x[i][index[i][j][k]][k] for dim 1 (likewise for other dims). The
    /// index has the input's rank; its sizes may be smaller than the input's outside <paramref name="dim"/>.
    /// </summary>
    /// <param name="dim">The dimension indexed.</param>
    /// <param name="index">Indices into <paramref name="dim"/>.</param>
    /// <returns>A tensor with the index's shape.</returns>
    public Tensor Gather(int dim, IntTensor index)
    {
        ArgumentNullException.ThrowIfNull(index);
        var d = Shapes.NormalizeDim(dim, Rank);
        if (index.Rank != Rank)
        {
            throw new ArgumentException($"Gather: the index has rank {index.Rank}, the input {Rank}.", nameof(index));
        }

        for (var k = 0; k < Rank; k++)
        {
            if (k != d && index.Dimensions[k] > _shape[k])
            {
                throw new ArgumentException($"Gather: index shape {Shapes.Format(index.Dimensions)} exceeds input shape {Shapes.Format(_shape)} in dimension {k}.", nameof(index));
            }
        }

        var x = Contiguous();
        var y = Empty(index.Dimensions);
        var offsets = GatherOffsets(x._shape, d, index);
        var xs = x.Span;
        var ys = y.Span;
        for (var i = 0; i < offsets.Length; i++)
        {
            ys[i] = xs[offsets[i]];
        }

        if (AutogradEngine.ShouldRecord(x))
        {
            AutogradEngine.Record(y, "Gather", [x], g =>
            {
                var dx = AutogradEngine.GradSpan(x);
                var gs = g.Span;
                for (var i = 0; i < offsets.Length; i++)
                {
                    dx[offsets[i]] += gs[i];
                }
            });
        }

        return y;
    }

    /// <summary>torch.index_select: the slices of <paramref name="dim"/> named by a 1-D index, in order.</summary>
    /// <param name="dim">The dimension.</param>
    /// <param name="index">1-D indices (repeats allowed).</param>
    /// <returns>The selection.</returns>
    public Tensor IndexSelect(int dim, IntTensor index)
    {
        ArgumentNullException.ThrowIfNull(index);
        var d = Shapes.NormalizeDim(dim, Rank);
        if (index.Rank != 1)
        {
            throw new ArgumentException("IndexSelect needs a 1-D index.", nameof(index));
        }

        var x = Contiguous();
        var (outer, n, inner) = Split3(x._shape, d);
        foreach (var i in index.Data)
        {
            if ((uint)i >= (uint)n)
            {
                throw new ArgumentOutOfRangeException(nameof(index), $"IndexSelect: index {i} is out of range for dimension {d} of size {n}.");
            }
        }

        var shape = (int[])x._shape.Clone();
        shape[d] = index.ElementCount;
        var y = Empty(shape);
        var xs = x.Span;
        var ys = y.Span;
        var m = index.ElementCount;
        for (var o = 0; o < outer; o++)
        {
            for (var j = 0; j < m; j++)
            {
                xs.Slice(((o * n) + index.Data[j]) * inner, inner).CopyTo(ys.Slice(((o * m) + j) * inner, inner));
            }
        }

        if (AutogradEngine.ShouldRecord(x))
        {
            AutogradEngine.Record(y, "IndexSelect", [x], g =>
            {
                var dx = AutogradEngine.GradSpan(x);
                var gs = g.Span;
                for (var o = 0; o < outer; o++)
                {
                    for (var j = 0; j < m; j++)
                    {
                        var dst = dx.Slice(((o * n) + index.Data[j]) * inner, inner);
                        System.Numerics.Tensors.TensorPrimitives.Add(dst, gs.Slice(((o * m) + j) * inner, inner), dst);
                    }
                }
            });
        }

        return y;
    }

    /// <summary>Replaces elements where <paramref name="mask"/> is non-zero by <paramref name="value"/> (mask broadcasts); no gradient flows to replaced elements.</summary>
    /// <param name="mask">A float mask broadcastable to this tensor; non-zero means replace.</param>
    /// <param name="value">The fill value (may be −∞).</param>
    /// <returns>The result.</returns>
    public Tensor MaskedFill(Tensor mask, float value)
    {
        ArgumentNullException.ThrowIfNull(mask);
        var full = BroadcastMask(mask, _shape);
        var x = Contiguous();
        var y = Empty(x._shape);
        var xs = x.Span;
        var ys = y.Span;
        for (var i = 0; i < ys.Length; i++)
        {
            ys[i] = full[i] ? value : xs[i];
        }

        if (AutogradEngine.ShouldRecord(x))
        {
            AutogradEngine.Record(y, "MaskedFill", [x], g =>
            {
                var dx = AutogradEngine.GradSpan(x);
                var gs = g.Span;
                for (var i = 0; i < dx.Length; i++)
                {
                    if (!full[i])
                    {
                        dx[i] += gs[i];
                    }
                }
            });
        }

        return y;
    }

    /// <summary>Elementwise choice: <paramref name="a"/> where <paramref name="condition"/> is non-zero, else <paramref name="b"/> (all broadcast).</summary>
    /// <param name="condition">A float condition; non-zero selects <paramref name="a"/>.</param>
    /// <param name="a">Values where true.</param>
    /// <param name="b">Values where false.</param>
    /// <returns>The selection.</returns>
    public static Tensor Where(Tensor condition, Tensor a, Tensor b)
    {
        ArgumentNullException.ThrowIfNull(condition);
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        var shape = Shapes.Broadcast(Shapes.Broadcast(condition._shape, a._shape), b._shape);
        var c = BroadcastMask(condition, shape);
        var zero = Zeros(shape);
        var aFull = a + zero;
        var bFull = b + zero;
        var y = Empty(shape);
        var ys = y.Span;
        var aSpan = aFull.Span;
        var bSpan = bFull.Span;
        for (var i = 0; i < ys.Length; i++)
        {
            ys[i] = c[i] ? aSpan[i] : bSpan[i];
        }

        if (AutogradEngine.ShouldRecord(aFull, bFull))
        {
            AutogradEngine.Record(y, "Where", [aFull, bFull], g =>
            {
                var gs = g.Span;
                if (aFull.RequiresGrad)
                {
                    var da = AutogradEngine.GradSpan(aFull);
                    for (var i = 0; i < gs.Length; i++)
                    {
                        da[i] += c[i] ? gs[i] : 0f;
                    }
                }

                if (bFull.RequiresGrad)
                {
                    var db = AutogradEngine.GradSpan(bFull);
                    for (var i = 0; i < gs.Length; i++)
                    {
                        db[i] += c[i] ? 0f : gs[i];
                    }
                }
            });
        }

        return y;
    }

    private static bool[] BroadcastMask(Tensor mask, int[] shape)
    {
        var target = Shapes.Broadcast(mask._shape, shape);
        if (!Shapes.SameShape(target, shape))
        {
            throw new ArgumentException($"The mask's shape {Shapes.Format(mask._shape)} does not broadcast to {Shapes.Format(shape)}.", nameof(mask));
        }

        var values = new float[Shapes.Count(shape)];
        var strides = Shapes.BroadcastStrides(mask._shape, mask._strides, shape);
        Kernels.StridedKernels.Copy(mask.Storage.Data, mask.Offset, strides, values, 0, Shapes.ContiguousStrides(shape), shape, accumulate: false);
        var result = new bool[values.Length];
        for (var i = 0; i < values.Length; i++)
        {
            result[i] = values[i] != 0f;
        }

        return result;
    }

    private static int[] GatherOffsets(int[] shape, int d, IntTensor index)
    {
        var strides = Shapes.ContiguousStrides(shape);
        var idxShape = index.Dimensions;
        var offsets = new int[index.ElementCount];
        var counter = new int[idxShape.Length];
        for (var flat = 0; flat < offsets.Length; flat++)
        {
            var v = index.Data[flat];
            if ((uint)v >= (uint)shape[d])
            {
                throw new ArgumentOutOfRangeException(nameof(index), $"Gather: index {v} is out of range for dimension {d} of size {shape[d]}.");
            }

            var off = 0;
            for (var k = 0; k < idxShape.Length; k++)
            {
                off += (k == d ? v : counter[k]) * strides[k];
            }

            offsets[flat] = off;
            for (var k = idxShape.Length - 1; k >= 0; k--)
            {
                if (++counter[k] < idxShape[k])
                {
                    break;
                }

                counter[k] = 0;
            }
        }

        return offsets;
    }
}
