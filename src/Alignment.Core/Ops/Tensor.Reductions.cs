using System.Numerics.Tensors;
using Alignment.Kernels;

namespace Alignment;

public sealed partial class Tensor
{
    /// <summary>The sum of all elements, as a scalar tensor.</summary>
    /// <returns>The sum.</returns>
    public Tensor Sum()
    {
        var x = Contiguous();
        var y = Empty([]);
        y.Span[0] = x.ElementCount == 0 ? 0f : (float)SumDouble(x.Span);
        if (AutogradEngine.ShouldRecord(x))
        {
            AutogradEngine.Record(y, "Sum", [x], g =>
            {
                var dx = AutogradEngine.GradSpan(x);
                TensorPrimitives.Add(dx, g.Span[0], dx);
            });
        }

        return y;
    }

    /// <summary>The sum over <paramref name="dim"/>.</summary>
    /// <param name="dim">The dimension.</param>
    /// <param name="keepDim">Keep the reduced dimension with size 1. The default value is false.</param>
    /// <returns>The sum.</returns>
    public Tensor Sum(int dim, bool keepDim = false)
    {
        var d = Shapes.NormalizeDim(dim, Rank);
        var x = Contiguous();
        var (outer, n, inner) = Split3(x._shape, d);
        var y = Empty(ReducedShape(x._shape, d, keepDim));
        ReductionKernels.Sum(x.Span, y.Span, outer, n, inner);
        if (AutogradEngine.ShouldRecord(x))
        {
            AutogradEngine.Record(y, "SumDim", [x], g => ReductionKernels.SumBackward(g.Span, AutogradEngine.GradSpan(x), outer, n, inner));
        }

        return y;
    }

    /// <summary>The sum over several dimensions.</summary>
    /// <param name="dims">The dimensions.</param>
    /// <param name="keepDim">Keep reduced dimensions with size 1. The default value is false.</param>
    /// <returns>The sum.</returns>
    public Tensor Sum(int[] dims, bool keepDim = false)
    {
        ArgumentNullException.ThrowIfNull(dims);
        var sorted = dims.Select(d => Shapes.NormalizeDim(d, Rank)).Distinct().OrderByDescending(d => d).ToArray();
        var result = this;
        foreach (var d in sorted)
        {
            result = result.Sum(d, keepDim);
        }

        return result;
    }

    /// <summary>The mean of all elements, as a scalar tensor.</summary>
    /// <returns>The mean.</returns>
    public Tensor Mean() => Sum() * (1f / Math.Max(ElementCount, 1));

    /// <summary>The mean over <paramref name="dim"/>.</summary>
    /// <param name="dim">The dimension.</param>
    /// <param name="keepDim">Keep the reduced dimension with size 1. The default value is false.</param>
    /// <returns>The mean.</returns>
    public Tensor Mean(int dim, bool keepDim = false) => Sum(dim, keepDim) * (1f / Size(dim));

    /// <summary>The mean over several dimensions.</summary>
    /// <param name="dims">The dimensions.</param>
    /// <param name="keepDim">Keep reduced dimensions with size 1. The default value is false.</param>
    /// <returns>The mean.</returns>
    public Tensor Mean(int[] dims, bool keepDim = false)
    {
        ArgumentNullException.ThrowIfNull(dims);
        var count = dims.Select(d => Shapes.NormalizeDim(d, Rank)).Distinct().Aggregate(1, (acc, d) => acc * _shape[d]);
        return Sum(dims, keepDim) * (1f / count);
    }

    /// <summary>The variance over <paramref name="dim"/> with Bessel's correction by default, as torch.var.</summary>
    /// <param name="dim">The dimension.</param>
    /// <param name="unbiased">Divide by n − 1 instead of n. The default value is true.</param>
    /// <param name="keepDim">Keep the reduced dimension with size 1. The default value is false.</param>
    /// <returns>The variance.</returns>
    public Tensor Var(int dim, bool unbiased = true, bool keepDim = false)
    {
        var n = Size(dim);
        var centered = this - Mean(dim, keepDim: true);
        return Square(centered).Sum(dim, keepDim) * (1f / Math.Max(n - (unbiased ? 1 : 0), 1));
    }

    /// <summary>The variance of all elements with Bessel's correction by default.</summary>
    /// <param name="unbiased">Divide by n − 1 instead of n. The default value is true.</param>
    /// <returns>The variance.</returns>
    public Tensor Var(bool unbiased = true)
    {
        var centered = this - Mean();
        return Square(centered).Sum() * (1f / Math.Max(ElementCount - (unbiased ? 1 : 0), 1));
    }

    /// <summary>The maximum over <paramref name="dim"/>; the gradient goes to the first maximal element.</summary>
    /// <param name="dim">The dimension.</param>
    /// <param name="keepDim">Keep the reduced dimension with size 1. The default value is false.</param>
    /// <returns>The maximum.</returns>
    public Tensor Max(int dim, bool keepDim = false) => MaxWithIndices(dim, keepDim).Values;

    /// <summary>The maximum over <paramref name="dim"/> and the index of the first maximal element.</summary>
    /// <param name="dim">The dimension.</param>
    /// <param name="keepDim">Keep the reduced dimension with size 1. The default value is false.</param>
    /// <returns>Values and indices.</returns>
    public (Tensor Values, IntTensor Indices) MaxWithIndices(int dim, bool keepDim = false)
    {
        var d = Shapes.NormalizeDim(dim, Rank);
        var x = Contiguous();
        var (outer, n, inner) = Split3(x._shape, d);
        if (n == 0)
        {
            throw new InvalidOperationException("Max over an empty dimension.");
        }

        var shape = ReducedShape(x._shape, d, keepDim);
        var y = Empty(shape);
        var indices = new IntTensor(shape);
        ReductionKernels.Max(x.Span, y.Span, indices.Data, outer, n, inner);
        if (AutogradEngine.ShouldRecord(x))
        {
            AutogradEngine.Record(y, "Max", [x], g =>
            {
                var dx = AutogradEngine.GradSpan(x);
                var gs = g.Span;
                for (var o = 0; o < outer; o++)
                {
                    for (var i = 0; i < inner; i++)
                    {
                        var k = (o * inner) + i;
                        dx[(((o * n) + indices.Data[k]) * inner) + i] += gs[k];
                    }
                }
            });
        }

        return (y, indices);
    }

    /// <summary>The largest element, as a scalar tensor.</summary>
    /// <returns>The maximum.</returns>
    public Tensor Max() => Reshape(-1).Max(0);

    internal static double SumDouble(ReadOnlySpan<float> values)
    {
        // Blocks of float vector sums added in double: accurate for long reductions, still vectorised.
        double total = 0;
        const int block = 4096;
        for (var i = 0; i < values.Length; i += block)
        {
            total += TensorPrimitives.Sum(values.Slice(i, Math.Min(block, values.Length - i)));
        }

        return total;
    }

    private static (int Outer, int N, int Inner) Split3(int[] shape, int d) =>
        (Shapes.Count(shape.AsSpan(0, d)), shape[d], Shapes.Count(shape.AsSpan(d + 1)));

    private static int[] ReducedShape(int[] shape, int d, bool keepDim)
    {
        if (keepDim)
        {
            var kept = (int[])shape.Clone();
            kept[d] = 1;
            return kept;
        }

        var result = new int[shape.Length - 1];
        for (int i = 0, j = 0; i < shape.Length; i++)
        {
            if (i != d)
            {
                result[j++] = shape[i];
            }
        }

        return result;
    }
}
