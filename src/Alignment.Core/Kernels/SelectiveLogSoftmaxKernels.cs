using System.Diagnostics.CodeAnalysis;

namespace Alignment.Kernels;

/// <summary>
/// Log-probability of one chosen token per row (the "selective log-softmax" of RLHF policies) without
/// materialising the [rows, vocab] log-probabilities, plus per-row entropy for statistics.
/// </summary>
internal static partial class SelectiveLogSoftmaxKernels
{
    // logits: [rows, vocab]; labels: [rows]; logp: [rows]; lse: [rows]
    /// <summary>logp[r] = logits[r, labels[r]] - logsumexp(logits[r]); lse is saved for the backward pass.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A label outside [0, vocab).</exception>
    public static void Forward(ReadOnlySpan<float> logits, ReadOnlySpan<int> labels, Span<float> logp, Span<float> lse, int rows, int vocab)
    {
        long n = CheckShape(rows, vocab);
        KernelGuard.Length(logits.Length, n, nameof(logits));
        KernelGuard.Length(labels.Length, rows, nameof(labels));
        KernelGuard.Length(logp.Length, rows, nameof(logp));
        KernelGuard.Length(lse.Length, rows, nameof(lse));
        CheckLabels(labels, vocab, nameof(labels));
        int chunks = KernelParallel.ChunkCount(rows, n);
        if (chunks == 1)
        {
            ForwardRows(logits, labels, logp, lse, vocab, 0, rows);
        }
        else
        {
            ForwardParallel(logits, labels, logp, lse, rows, vocab, chunks);
        }
    }

    // logits, dlogits: [rows, vocab]; labels, lse, dlogp: [rows]
    /// <summary>dlogits[r] += dlogp[r] * (onehot(labels[r]) - softmax(logits[r])).</summary>
    public static void Backward(ReadOnlySpan<float> logits, ReadOnlySpan<int> labels, ReadOnlySpan<float> lse, ReadOnlySpan<float> dlogp, Span<float> dlogits, int rows, int vocab)
    {
        long n = CheckShape(rows, vocab);
        KernelGuard.Length(logits.Length, n, nameof(logits));
        KernelGuard.Length(labels.Length, rows, nameof(labels));
        KernelGuard.Length(lse.Length, rows, nameof(lse));
        KernelGuard.Length(dlogp.Length, rows, nameof(dlogp));
        KernelGuard.Length(dlogits.Length, n, nameof(dlogits));
        CheckLabels(labels, vocab, nameof(labels));
        int chunks = KernelParallel.ChunkCount(rows, n);
        if (chunks == 1)
        {
            BackwardRows(logits, labels, lse, dlogp, dlogits, vocab, 0, rows);
        }
        else
        {
            BackwardParallel(logits, labels, lse, dlogp, dlogits, rows, vocab, chunks);
        }
    }

    private static long CheckShape(int rows, int vocab)
    {
        KernelGuard.NonNegative(rows, nameof(rows));
        KernelGuard.Positive(vocab, nameof(vocab));
        return KernelGuard.Product(rows, vocab);
    }

    // labels: [rows]
    private static void CheckLabels(ReadOnlySpan<int> labels, int vocab, string paramName)
    {
        for (int r = 0; r < labels.Length; r++)
        {
            if ((uint)labels[r] >= (uint)vocab)
            {
                ThrowLabel(paramName, r, labels[r], vocab);
            }
        }
    }

    [DoesNotReturn]
    private static void ThrowLabel(string paramName, int row, int label, int vocab) =>
        throw new ArgumentOutOfRangeException(paramName, label, $"labels[{row}] = {label} is outside [0, {vocab}).");

    // logits: [rows, vocab]; labels, logp, lse: [rows]
    private static void ForwardRows(ReadOnlySpan<float> logits, ReadOnlySpan<int> labels, Span<float> logp, Span<float> lse, int vocab, int start, int end)
    {
        for (int r = start; r < end; r++)
        {
            ReadOnlySpan<float> row = logits.Slice(r * vocab, vocab);
            float l = ExpRowOps.LogSumExp(row);
            lse[r] = l;
            logp[r] = row[labels[r]] - l;
        }
    }

    // logits, dlogits: [rows, vocab]; labels, lse, dlogp: [rows]
    private static void BackwardRows(ReadOnlySpan<float> logits, ReadOnlySpan<int> labels, ReadOnlySpan<float> lse, ReadOnlySpan<float> dlogp, Span<float> dlogits, int vocab, int start, int end)
    {
        for (int r = start; r < end; r++)
        {
            float g = dlogp[r];
            Span<float> drow = dlogits.Slice(r * vocab, vocab);
            ExpRowOps.ScaledExp(logits.Slice(r * vocab, vocab), lse[r], -g, drow, accumulate: true);
            drow[labels[r]] += g;
        }
    }

    private static unsafe void ForwardParallel(ReadOnlySpan<float> logits, ReadOnlySpan<int> labels, Span<float> logp, Span<float> lse, int rows, int vocab, int chunks)
    {
        fixed (float* px = logits, pl = logp, ps = lse)
        fixed (int* pt = labels)
        {
            var bx = new PinnedBuffer<float>(px, logits.Length);
            var bt = new PinnedBuffer<int>(pt, labels.Length);
            var bl = new PinnedBuffer<float>(pl, logp.Length);
            var bs = new PinnedBuffer<float>(ps, lse.Length);
            KernelParallel.For(rows, chunks, (s, e) => ForwardRows(bx.ReadOnlySpan, bt.ReadOnlySpan, bl.Span, bs.Span, vocab, s, e));
        }
    }

    private static unsafe void BackwardParallel(ReadOnlySpan<float> logits, ReadOnlySpan<int> labels, ReadOnlySpan<float> lse, ReadOnlySpan<float> dlogp, Span<float> dlogits, int rows, int vocab, int chunks)
    {
        fixed (float* px = logits, ps = lse, pg = dlogp, pdx = dlogits)
        fixed (int* pt = labels)
        {
            var bx = new PinnedBuffer<float>(px, logits.Length);
            var bt = new PinnedBuffer<int>(pt, labels.Length);
            var bs = new PinnedBuffer<float>(ps, lse.Length);
            var bg = new PinnedBuffer<float>(pg, dlogp.Length);
            var bdx = new PinnedBuffer<float>(pdx, dlogits.Length);
            KernelParallel.For(rows, chunks, (s, e) => BackwardRows(bx.ReadOnlySpan, bt.ReadOnlySpan, bs.ReadOnlySpan, bg.ReadOnlySpan, bdx.Span, vocab, s, e));
        }
    }
}
