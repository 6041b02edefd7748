using System.Diagnostics.CodeAnalysis;

namespace Alignment.Kernels;

/// <summary>Fused softmax cross-entropy over a vocabulary, never materialising the probabilities.</summary>
internal static class CrossEntropyKernels
{
    // logits: [rows, vocab]; targets: [rows]; losses: [rows]; lse: [rows]
    /// <summary>
    /// losses[r] = logsumexp(logits[r]) - logits[r, targets[r]]; rows whose target is
    /// <paramref name="ignoreIndex"/> get loss 0 (their lse is still computed). Returns the number of
    /// non-ignored rows.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">A target outside [0, vocab) that is not the ignore index.</exception>
    public static int Forward(ReadOnlySpan<float> logits, ReadOnlySpan<int> targets, Span<float> losses, Span<float> lse, int rows, int vocab, int ignoreIndex)
    {
        long n = CheckShape(rows, vocab);
        KernelGuard.Length(logits.Length, n, nameof(logits));
        KernelGuard.Length(targets.Length, rows, nameof(targets));
        KernelGuard.Length(losses.Length, rows, nameof(losses));
        KernelGuard.Length(lse.Length, rows, nameof(lse));
        int count = CountTargets(targets, vocab, ignoreIndex, nameof(targets));
        int chunks = KernelParallel.ChunkCount(rows, n);
        if (chunks == 1)
        {
            ForwardRows(logits, targets, losses, lse, vocab, ignoreIndex, 0, rows);
        }
        else
        {
            ForwardParallel(logits, targets, losses, lse, rows, vocab, ignoreIndex, chunks);
        }

        return count;
    }

    // logits, dlogits: [rows, vocab]; targets, lse, dloss: [rows]
    /// <summary>
    /// dlogits[r] += dloss[r] * (softmax(logits[r]) - onehot(targets[r])); ignored rows get nothing. Without
    /// <paramref name="accumulate"/> dlogits is overwritten (ignored rows with 0).
    /// </summary>
    public static void Backward(ReadOnlySpan<float> logits, ReadOnlySpan<int> targets, ReadOnlySpan<float> lse, ReadOnlySpan<float> dloss, Span<float> dlogits, int rows, int vocab, int ignoreIndex, bool accumulate = true)
    {
        long n = CheckShape(rows, vocab);
        KernelGuard.Length(logits.Length, n, nameof(logits));
        KernelGuard.Length(targets.Length, rows, nameof(targets));
        KernelGuard.Length(lse.Length, rows, nameof(lse));
        KernelGuard.Length(dloss.Length, rows, nameof(dloss));
        KernelGuard.Length(dlogits.Length, n, nameof(dlogits));
        CountTargets(targets, vocab, ignoreIndex, nameof(targets));
        int chunks = KernelParallel.ChunkCount(rows, n);
        if (chunks == 1)
        {
            BackwardRows(logits, targets, lse, dloss, dlogits, vocab, ignoreIndex, accumulate, 0, rows);
        }
        else
        {
            BackwardParallel(logits, targets, lse, dloss, dlogits, rows, vocab, ignoreIndex, accumulate, chunks);
        }
    }

    private static long CheckShape(int rows, int vocab)
    {
        KernelGuard.NonNegative(rows, nameof(rows));
        KernelGuard.Positive(vocab, nameof(vocab));
        return KernelGuard.Product(rows, vocab);
    }

    // targets: [rows]
    private static int CountTargets(ReadOnlySpan<int> targets, int vocab, int ignoreIndex, string paramName)
    {
        int count = 0;
        for (int r = 0; r < targets.Length; r++)
        {
            int t = targets[r];
            if (t == ignoreIndex)
            {
                continue;
            }

            if ((uint)t >= (uint)vocab)
            {
                ThrowTarget(paramName, r, t, vocab, ignoreIndex);
            }

            count++;
        }

        return count;
    }

    [DoesNotReturn]
    private static void ThrowTarget(string paramName, int row, int target, int vocab, int ignoreIndex) =>
        throw new ArgumentOutOfRangeException(
            paramName, target, $"targets[{row}] = {target} is outside [0, {vocab}) and is not the ignore index {ignoreIndex}.");

    // logits: [rows, vocab]; targets, losses, lse: [rows]
    private static void ForwardRows(ReadOnlySpan<float> logits, ReadOnlySpan<int> targets, Span<float> losses, Span<float> lse, int vocab, int ignoreIndex, int start, int end)
    {
        for (int r = start; r < end; r++)
        {
            ReadOnlySpan<float> row = logits.Slice(r * vocab, vocab);
            float l = ExpRowOps.LogSumExp(row);
            lse[r] = l;
            int t = targets[r];
            losses[r] = t == ignoreIndex ? 0f : l - row[t];
        }
    }

    // logits, dlogits: [rows, vocab]; targets, lse, dloss: [rows]
    private static void BackwardRows(ReadOnlySpan<float> logits, ReadOnlySpan<int> targets, ReadOnlySpan<float> lse, ReadOnlySpan<float> dloss, Span<float> dlogits, int vocab, int ignoreIndex, bool accumulate, int start, int end)
    {
        for (int r = start; r < end; r++)
        {
            int t = targets[r];
            Span<float> drow = dlogits.Slice(r * vocab, vocab);
            if (t == ignoreIndex)
            {
                if (!accumulate)
                {
                    drow.Clear();
                }

                continue;
            }

            float g = dloss[r];
            ExpRowOps.ScaledExp(logits.Slice(r * vocab, vocab), lse[r], g, drow, accumulate);

            drow[t] -= g;
        }
    }

    private static unsafe void ForwardParallel(ReadOnlySpan<float> logits, ReadOnlySpan<int> targets, Span<float> losses, Span<float> lse, int rows, int vocab, int ignoreIndex, int chunks)
    {
        fixed (float* px = logits, pl = losses, ps = lse)
        fixed (int* pt = targets)
        {
            var bx = new PinnedBuffer<float>(px, logits.Length);
            var bt = new PinnedBuffer<int>(pt, targets.Length);
            var bl = new PinnedBuffer<float>(pl, losses.Length);
            var bs = new PinnedBuffer<float>(ps, lse.Length);
            KernelParallel.For(rows, chunks, (s, e) => ForwardRows(bx.ReadOnlySpan, bt.ReadOnlySpan, bl.Span, bs.Span, vocab, ignoreIndex, s, e));
        }
    }

    private static unsafe void BackwardParallel(ReadOnlySpan<float> logits, ReadOnlySpan<int> targets, ReadOnlySpan<float> lse, ReadOnlySpan<float> dloss, Span<float> dlogits, int rows, int vocab, int ignoreIndex, bool accumulate, int chunks)
    {
        fixed (float* px = logits, ps = lse, pg = dloss, pdx = dlogits)
        fixed (int* pt = targets)
        {
            var bx = new PinnedBuffer<float>(px, logits.Length);
            var bt = new PinnedBuffer<int>(pt, targets.Length);
            var bs = new PinnedBuffer<float>(ps, lse.Length);
            var bg = new PinnedBuffer<float>(pg, dloss.Length);
            var bdx = new PinnedBuffer<float>(pdx, dlogits.Length);
            KernelParallel.For(rows, chunks, (s, e) => BackwardRows(bx.ReadOnlySpan, bt.ReadOnlySpan, bs.ReadOnlySpan, bg.ReadOnlySpan, bdx.Span, vocab, ignoreIndex, accumulate, s, e));
        }
    }
}
