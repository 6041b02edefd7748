using Alignment.Kernels;

namespace Alignment;

public sealed partial class Tensor
{
    /// <summary>
    /// Cross-entropy between logits [..., V] and integer targets [...] in one fused pass (log-softmax is never
    /// materialised). Targets equal to <paramref name="ignoreIndex"/> contribute nothing; with
    /// <see cref="Reduction.Mean"/> the sum is divided by the number of non-ignored targets (NaN when
    /// there are none, as PyTorch).
    /// </summary>
    /// <param name="logits">Unnormalised scores, [..., V].</param>
    /// <param name="targets">Class ids, the logits' shape without the last dimension.</param>
    /// <param name="ignoreIndex">Target value to skip. The default value is −100.</param>
    /// <param name="reduction">Mean, Sum or None. The default value is <see cref="Reduction.Mean"/>.</param>
    /// <returns>A scalar, or per-target losses with <see cref="Reduction.None"/>.</returns>
    public static Tensor CrossEntropy(Tensor logits, IntTensor targets, int ignoreIndex = -100, Reduction reduction = Reduction.Mean)
    {
        ArgumentNullException.ThrowIfNull(logits);
        ArgumentNullException.ThrowIfNull(targets);
        var x = logits.Contiguous();
        var vocab = x._shape[^1];
        var rows = CheckLabels(x, targets, nameof(targets));
        var losses = Empty(targets.Dimensions);
        var lse = Empty([rows]);
        var count = CrossEntropyKernels.Forward(x.Span, targets.Data, losses.Span, lse.Span, rows, vocab, ignoreIndex);
        if (AutogradEngine.ShouldRecord(x))
        {
            AutogradEngine.Record(losses, "CrossEntropy", [x], g =>
            {
                var dx = AutogradEngine.GradSpanForWrite(x, out var accumulate);
                CrossEntropyKernels.Backward(x.Span, targets.Data, lse.Span, g.Span, dx, rows, vocab, ignoreIndex, accumulate);
            });
        }

        return reduction switch
        {
            Reduction.None => losses,
            Reduction.Sum => losses.Sum(),
            _ => losses.Sum() * (count == 0 ? float.NaN : 1f / count),
        };
    }

    /// <summary>
    /// The log-probability of each given label under softmax(logits): logits[..., label] − logsumexp(logits[...]).
    /// The [..., V] log-softmax is never materialised; this is the op RLHF losses are built on.
    /// </summary>
    /// <param name="logits">Unnormalised scores, [..., V].</param>
    /// <param name="labels">Token ids, the logits' shape without the last dimension.</param>
    /// <returns>Log-probabilities with the labels' shape.</returns>
    public static Tensor SelectiveLogSoftmax(Tensor logits, IntTensor labels)
    {
        ArgumentNullException.ThrowIfNull(logits);
        ArgumentNullException.ThrowIfNull(labels);
        var x = logits.Contiguous();
        var vocab = x._shape[^1];
        var rows = CheckLabels(x, labels, nameof(labels));
        var y = Empty(labels.Dimensions);
        var lse = Empty([rows]);
        SelectiveLogSoftmaxKernels.Forward(x.Span, labels.Data, y.Span, lse.Span, rows, vocab);
        if (AutogradEngine.ShouldRecord(x))
        {
            AutogradEngine.Record(y, "SelectiveLogSoftmax", [x], g => SelectiveLogSoftmaxKernels.Backward(x.Span, labels.Data, lse.Span, g.Span, AutogradEngine.GradSpan(x), rows, vocab));
        }

        return y;
    }

    /// <summary>The entropy −Σ p log p of softmax(logits) over the last dimension (no gradient).</summary>
    /// <param name="logits">Unnormalised scores, [..., V].</param>
    /// <returns>Entropies, [...].</returns>
    public static Tensor Entropy(Tensor logits)
    {
        ArgumentNullException.ThrowIfNull(logits);
        var x = logits.Contiguous();
        var vocab = x._shape[^1];
        var y = Empty(x._shape[..^1]);
        SelectiveLogSoftmaxKernels.Entropy(x.Span, y.Span, y.ElementCount, vocab);
        return y;
    }

    private static int CheckLabels(Tensor x, IntTensor labels, string paramName)
    {
        if (x.Rank < 1 || !Shapes.SameShape(x._shape.AsSpan(0, x.Rank - 1), labels.Dimensions))
        {
            throw new ArgumentException($"Labels of shape {Shapes.Format(labels.Dimensions)} do not match logits of shape {Shapes.Format(x._shape)} (expected the logits' shape without its last dimension).", paramName);
        }

        return labels.ElementCount;
    }
}
