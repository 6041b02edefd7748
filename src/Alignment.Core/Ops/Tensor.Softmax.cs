using Alignment.Kernels;

namespace Alignment;

public sealed partial class Tensor
{
    /// <summary>Softmax along <paramref name="dim"/>, with max subtraction (never overflows).</summary>
    /// <param name="x">Input.</param>
    /// <param name="dim">The dimension. The default value is −1 (last).</param>
    /// <returns>Probabilities summing to 1 along <paramref name="dim"/>.</returns>
    public static Tensor Softmax(Tensor x, int dim = -1) => AlongLastDim(x, dim, static t => RowWise(t, "Softmax",
        SoftmaxKernels.SoftmaxForward, static (y, g, dx, rows, cols) => SoftmaxKernels.SoftmaxBackward(y, g, dx, rows, cols)));

    /// <summary>Log-softmax along <paramref name="dim"/>, computed stably.</summary>
    /// <param name="x">Input.</param>
    /// <param name="dim">The dimension. The default value is −1 (last).</param>
    /// <returns>Log-probabilities.</returns>
    public static Tensor LogSoftmax(Tensor x, int dim = -1) => AlongLastDim(x, dim, static t => RowWise(t, "LogSoftmax",
        SoftmaxKernels.LogSoftmaxForward, static (y, g, dx, rows, cols) => SoftmaxKernels.LogSoftmaxBackward(y, g, dx, rows, cols)));

    /// <summary>log Σ exp(x) along <paramref name="dim"/>, computed stably.</summary>
    /// <param name="x">Input.</param>
    /// <param name="dim">The dimension. The default value is −1 (last).</param>
    /// <param name="keepDim">Keep the reduced dimension with size 1. The default value is false.</param>
    /// <returns>The reduction.</returns>
    public static Tensor LogSumExp(Tensor x, int dim = -1, bool keepDim = false)
    {
        ArgumentNullException.ThrowIfNull(x);
        var d = Shapes.NormalizeDim(dim, x.Rank);
        var last = x.Rank - 1;
        var perm = Enumerable.Range(0, x.Rank).Where(i => i != d).Append(d).ToArray();
        var moved = (d == last ? x : x.Permute(perm)).Contiguous();
        var cols = moved._shape[^1];
        var rows = moved.ElementCount / Math.Max(cols, 1);
        var y = Empty(moved._shape[..^1]);
        SoftmaxKernels.LogSumExpForward(moved.Span, y.Span, rows, cols);
        if (AutogradEngine.ShouldRecord(moved))
        {
            AutogradEngine.Record(y, "LogSumExp", [moved], g => SoftmaxKernels.LogSumExpBackward(moved.Span, y.Span, g.Span, AutogradEngine.GradSpan(moved), rows, cols));
        }

        return keepDim ? y.Unsqueeze(d) : y;
    }

    private delegate void RowForward(ReadOnlySpan<float> x, Span<float> y, int rows, int cols);

    private delegate void RowBackward(ReadOnlySpan<float> y, ReadOnlySpan<float> g, Span<float> dx, int rows, int cols);

    private static Tensor RowWise(Tensor x, string name, RowForward forward, RowBackward backward)
    {
        var cols = x._shape[^1];
        var rows = x.ElementCount / Math.Max(cols, 1);
        var y = Empty(x._shape);
        forward(x.Span, y.Span, rows, cols);
        if (AutogradEngine.ShouldRecord(x))
        {
            AutogradEngine.Record(y, name, [x], g => backward(y.Span, g.Span, AutogradEngine.GradSpan(x), rows, cols));
        }

        return y;
    }

    private static Tensor AlongLastDim(Tensor x, int dim, Func<Tensor, Tensor> op)
    {
        ArgumentNullException.ThrowIfNull(x);
        if (x.Rank == 0)
        {
            return op(x.Reshape(1)).Reshape();
        }

        var d = Shapes.NormalizeDim(dim, x.Rank);
        var last = x.Rank - 1;
        return d == last ? op(x.Contiguous()) : op(x.Transpose(d, last).Contiguous()).Transpose(d, last);
    }
}
