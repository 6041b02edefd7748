using System.Numerics.Tensors;
using Alignment.Kernels;

namespace Alignment;

public sealed partial class Tensor
{
    /// <summary>This tensor when already contiguous, otherwise a row-major copy (recorded for autograd).</summary>
    /// <returns>A contiguous tensor.</returns>
    public Tensor Contiguous()
    {
        if (IsContiguous)
        {
            return this;
        }

        var y = Empty(_shape);
        if (IsTransposedMatrix)
        {
            // The transpose of a dense [cols, rows] matrix: blocked, instead of one strided read per element.
            TransposeKernels.Transpose(Storage.Data.AsSpan(Offset, ElementCount), _shape[1], _shape[0], y.Span);
        }
        else
        {
            StridedKernels.Copy(Storage.Data, Offset, _strides, y.Span, 0, y._strides, _shape, accumulate: false);
        }

        if (AutogradEngine.ShouldRecord(this))
        {
            var x = this;
            AutogradEngine.Record(y, "Contiguous", [x], g => AddInto(AutogradEngine.GradSpan(x), g.Span));
        }

        return y;
    }

    /// <summary>Returns this tensor's storage to the pool now; it and its views become unusable.</summary>
    internal void ReleaseStorage() => Storage.Release();

    // A 2-D view that reads a dense matrix column by column (Transpose(0, 1) of a contiguous matrix).
    private bool IsTransposedMatrix => Rank == 2 && _shape[0] > 1 && _shape[1] > 1 && _strides[0] == 1 && _strides[1] == _shape[0];

    /// <summary>The same values in a new shape (a view when contiguous, else a copy). One dimension may be −1 (inferred).</summary>
    /// <param name="shape">The new shape.</param>
    /// <returns>The reshaped tensor.</returns>
    public Tensor Reshape(params int[] shape)
    {
        ArgumentNullException.ThrowIfNull(shape);
        var resolved = ResolveShape(shape);
        var x = Contiguous();
        var y = new Tensor(x.Storage, resolved, Shapes.ContiguousStrides(resolved), x.Offset);
        if (AutogradEngine.ShouldRecord(x))
        {
            AutogradEngine.Record(y, "Reshape", [x], g => AddInto(AutogradEngine.GradSpan(x), g.Span));
        }

        return y;
    }

    /// <summary>Swaps two dimensions (a view).</summary>
    /// <param name="dim0">First dimension.</param>
    /// <param name="dim1">Second dimension.</param>
    /// <returns>The view.</returns>
    public Tensor Transpose(int dim0, int dim1)
    {
        var perm = new int[Rank];
        for (var i = 0; i < perm.Length; i++)
        {
            perm[i] = i;
        }

        var a = Shapes.NormalizeDim(dim0, Rank);
        var b = Shapes.NormalizeDim(dim1, Rank);
        (perm[a], perm[b]) = (perm[b], perm[a]);
        return Permute(perm);
    }

    /// <summary>Reorders the dimensions (a view): result dimension i is input dimension dims[i].</summary>
    /// <param name="dims">A permutation of 0..Rank−1.</param>
    /// <returns>The view.</returns>
    public Tensor Permute(params int[] dims)
    {
        ArgumentNullException.ThrowIfNull(dims);
        if (dims.Length != Rank)
        {
            throw new ArgumentException($"Permute needs {Rank} dimensions, got {dims.Length}.", nameof(dims));
        }

        var perm = new int[Rank];
        var seen = new bool[Rank];
        for (var i = 0; i < Rank; i++)
        {
            perm[i] = Shapes.NormalizeDim(dims[i], Rank);
            if (seen[perm[i]])
            {
                throw new ArgumentException($"Dimension {dims[i]} repeats in the permutation.", nameof(dims));
            }

            seen[perm[i]] = true;
        }

        var shape = new int[Rank];
        var strides = new int[Rank];
        for (var i = 0; i < Rank; i++)
        {
            shape[i] = _shape[perm[i]];
            strides[i] = _strides[perm[i]];
        }

        var y = new Tensor(Storage, shape, strides, Offset);
        if (AutogradEngine.ShouldRecord(this))
        {
            var x = this;
            AutogradEngine.Record(y, "Permute", [x], g =>
            {
                // g is contiguous in y's shape; read it in x's order and add into dx.
                var gStrides = Shapes.ContiguousStrides(shape);
                var readStrides = new int[perm.Length];
                for (var i = 0; i < perm.Length; i++)
                {
                    readStrides[perm[i]] = gStrides[i];
                }

                StridedKernels.Copy(g.Span, 0, readStrides, AutogradEngine.GradSpan(x), 0, Shapes.ContiguousStrides(x._shape), x._shape, accumulate: true);
            });
        }

        return y;
    }

    /// <summary>Inserts a dimension of size 1 at <paramref name="dim"/> (a view).</summary>
    /// <param name="dim">Where, in the result's dimensions.</param>
    /// <returns>The view.</returns>
    public Tensor Unsqueeze(int dim)
    {
        var d = Shapes.NormalizeDim(dim, Rank + 1);
        var shape = new int[Rank + 1];
        for (int i = 0, j = 0; i < shape.Length; i++)
        {
            shape[i] = i == d ? 1 : _shape[j++];
        }

        return Reshape(shape);
    }

    /// <summary>Removes dimension <paramref name="dim"/>, which must have size 1.</summary>
    /// <param name="dim">The dimension.</param>
    /// <returns>The view.</returns>
    public Tensor Squeeze(int dim)
    {
        var d = Shapes.NormalizeDim(dim, Rank);
        if (_shape[d] != 1)
        {
            throw new ArgumentException($"Squeeze({dim}) needs size 1, but the dimension has size {_shape[d]}.", nameof(dim));
        }

        var shape = new int[Rank - 1];
        for (int i = 0, j = 0; i < Rank; i++)
        {
            if (i != d)
            {
                shape[j++] = _shape[i];
            }
        }

        return Reshape(shape);
    }

    /// <summary>Elements start, start+step, … before end along <paramref name="dim"/> (a view). Negative start/end count from the end; end is clamped.</summary>
    /// <param name="dim">The dimension.</param>
    /// <param name="start">First index.</param>
    /// <param name="end">One past the last index.</param>
    /// <param name="step">Stride, at least 1. The default value is 1.</param>
    /// <returns>The view.</returns>
    public Tensor Slice(int dim, int start, int end, int step = 1)
    {
        var d = Shapes.NormalizeDim(dim, Rank);
        ArgumentOutOfRangeException.ThrowIfLessThan(step, 1);
        var size = _shape[d];
        var s = Math.Clamp(start < 0 ? start + size : start, 0, size);
        var e = Math.Clamp(end < 0 ? end + size : end, 0, size);
        var length = e > s ? ((e - s + step - 1) / step) : 0;
        var shape = (int[])_shape.Clone();
        shape[d] = length;
        var strides = (int[])_strides.Clone();
        strides[d] *= step;
        var y = new Tensor(Storage, shape, strides, Offset + (s * _strides[d]));
        if (AutogradEngine.ShouldRecord(this))
        {
            var x = this;
            AutogradEngine.Record(y, "Slice", [x], g =>
            {
                var xStrides = Shapes.ContiguousStrides(x._shape);
                var writeStrides = (int[])xStrides.Clone();
                writeStrides[d] *= step;
                StridedKernels.Copy(g.Span, 0, Shapes.ContiguousStrides(shape), AutogradEngine.GradSpan(x), s * xStrides[d], writeStrides, shape, accumulate: true);
            });
        }

        return y;
    }

    /// <summary><paramref name="length"/> elements from <paramref name="start"/> along <paramref name="dim"/> (a view).</summary>
    /// <param name="dim">The dimension.</param>
    /// <param name="start">First index.</param>
    /// <param name="length">Count.</param>
    /// <returns>The view.</returns>
    public Tensor Narrow(int dim, int start, int length)
    {
        var d = Shapes.NormalizeDim(dim, Rank);
        if (start < 0 || length < 0 || start + length > _shape[d])
        {
            throw new ArgumentOutOfRangeException(nameof(start), $"Narrow({dim}, {start}, {length}) is outside a dimension of size {_shape[d]}.");
        }

        return Slice(d, start, start + length);
    }

    /// <summary>Broadcasts size-1 dimensions to <paramref name="shape"/> without copying (a view with stride 0).</summary>
    /// <param name="shape">The target shape.</param>
    /// <returns>The view.</returns>
    public Tensor Expand(params int[] shape)
    {
        ArgumentNullException.ThrowIfNull(shape);
        var target = Shapes.Broadcast(_shape, shape);
        if (!Shapes.SameShape(target, shape))
        {
            throw new ArgumentException($"Cannot expand {Shapes.Format(_shape)} to {Shapes.Format(shape)}.", nameof(shape));
        }

        var strides = Shapes.BroadcastStrides(_shape, _strides, target);
        var y = new Tensor(Storage, target, strides, Offset);
        if (AutogradEngine.ShouldRecord(this))
        {
            var x = this;
            AutogradEngine.Record(y, "Expand", [x], g => BroadcastKernels.ReduceAccumulate(g.Span, target, AutogradEngine.GradSpan(x), x._shape));
        }

        return y;
    }

    /// <summary>Joins tensors along an existing dimension.</summary>
    /// <param name="tensors">Tensors with equal shapes except along <paramref name="dim"/>.</param>
    /// <param name="dim">The dimension. The default value is 0.</param>
    /// <returns>The concatenation.</returns>
    public static Tensor Cat(IReadOnlyList<Tensor> tensors, int dim = 0)
    {
        ArgumentNullException.ThrowIfNull(tensors);
        if (tensors.Count == 0)
        {
            throw new ArgumentException("Cat needs at least one tensor.", nameof(tensors));
        }

        var first = tensors[0];
        var d = Shapes.NormalizeDim(dim, first.Rank);
        var shape = (int[])first._shape.Clone();
        shape[d] = 0;
        var inputs = new Tensor[tensors.Count];
        for (var i = 0; i < inputs.Length; i++)
        {
            var t = tensors[i].Contiguous();
            if (t.Rank != first.Rank)
            {
                throw new ArgumentException($"Cat: tensor {i} has rank {t.Rank}, expected {first.Rank}.", nameof(tensors));
            }

            for (var k = 0; k < t.Rank; k++)
            {
                if (k != d && t._shape[k] != first._shape[k])
                {
                    throw new ArgumentException($"Cat: tensor {i} has shape {Shapes.Format(t._shape)}, incompatible with {Shapes.Format(first._shape)} outside dimension {d}.", nameof(tensors));
                }
            }

            shape[d] += t._shape[d];
            inputs[i] = t;
        }

        var y = Empty(shape);
        var outer = Shapes.Count(shape.AsSpan(0, d));
        var innerOut = Shapes.Count(shape.AsSpan(d));
        var ys = y.Span;
        var offset = 0;
        foreach (var t in inputs)
        {
            var chunk = Shapes.Count(t._shape.AsSpan(d));
            var ts = t.Span;
            for (var o = 0; o < outer; o++)
            {
                ts.Slice(o * chunk, chunk).CopyTo(ys.Slice((o * innerOut) + offset, chunk));
            }

            offset += chunk;
        }

        if (AutogradEngine.ShouldRecord(inputs))
        {
            AutogradEngine.Record(y, "Cat", inputs, g =>
            {
                var gs = g.Span;
                var off = 0;
                foreach (var t in inputs)
                {
                    var chunk = Shapes.Count(t._shape.AsSpan(d));
                    if (t.RequiresGrad)
                    {
                        var dx = AutogradEngine.GradSpan(t);
                        for (var o = 0; o < outer; o++)
                        {
                            var dst = dx.Slice(o * chunk, chunk);
                            TensorPrimitives.Add(dst, gs.Slice((o * innerOut) + off, chunk), dst);
                        }
                    }

                    off += chunk;
                }
            });
        }

        return y;
    }

    /// <summary>Joins equally shaped tensors along a new dimension.</summary>
    /// <param name="tensors">The tensors.</param>
    /// <param name="dim">Where the new dimension goes. The default value is 0.</param>
    /// <returns>The stacked tensor.</returns>
    public static Tensor Stack(IReadOnlyList<Tensor> tensors, int dim = 0)
    {
        ArgumentNullException.ThrowIfNull(tensors);
        if (tensors.Count == 0)
        {
            throw new ArgumentException("Stack needs at least one tensor.", nameof(tensors));
        }

        var expanded = new Tensor[tensors.Count];
        for (var i = 0; i < expanded.Length; i++)
        {
            if (!Shapes.SameShape(tensors[i]._shape, tensors[0]._shape))
            {
                throw new ArgumentException($"Stack: tensor {i} has shape {Shapes.Format(tensors[i]._shape)}, expected {Shapes.Format(tensors[0]._shape)}.", nameof(tensors));
            }

            expanded[i] = tensors[i].Unsqueeze(dim);
        }

        return Cat(expanded, dim < 0 ? dim + tensors[0].Rank + 1 : dim);
    }

    /// <summary>Splits into consecutive views of <paramref name="size"/> along <paramref name="dim"/> (the last may be shorter).</summary>
    /// <param name="size">Chunk size.</param>
    /// <param name="dim">The dimension. The default value is 0.</param>
    /// <returns>The views.</returns>
    public Tensor[] Split(int size, int dim = 0)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(size, 1);
        var d = Shapes.NormalizeDim(dim, Rank);
        var parts = new List<Tensor>();
        for (var s = 0; s < _shape[d]; s += size)
        {
            parts.Add(Slice(d, s, Math.Min(s + size, _shape[d])));
        }

        return [.. parts];
    }

    private int[] ResolveShape(int[] shape)
    {
        var resolved = (int[])shape.Clone();
        var inferred = -1;
        long known = 1;
        for (var i = 0; i < resolved.Length; i++)
        {
            if (resolved[i] == -1)
            {
                if (inferred >= 0)
                {
                    throw new ArgumentException("Only one dimension can be −1.", nameof(shape));
                }

                inferred = i;
            }
            else if (resolved[i] < 0)
            {
                throw new ArgumentException($"Invalid dimension {resolved[i]} in {Shapes.Format(shape)}.", nameof(shape));
            }
            else
            {
                known *= resolved[i];
            }
        }

        if (inferred >= 0)
        {
            if (known == 0 || ElementCount % known != 0)
            {
                throw new ArgumentException($"Cannot reshape {Shapes.Format(_shape)} into {Shapes.Format(shape)}.", nameof(shape));
            }

            resolved[inferred] = (int)(ElementCount / known);
        }
        else if (known != ElementCount)
        {
            throw new ArgumentException($"Cannot reshape {Shapes.Format(_shape)} ({ElementCount} elements) into {Shapes.Format(shape)}.", nameof(shape));
        }

        return resolved;
    }

    private static void AddInto(Span<float> dst, ReadOnlySpan<float> src) => TensorPrimitives.Add(dst, src, dst);
}
