namespace Alignment.Kernels;

internal static partial class SelectiveLogSoftmaxKernels
{
    // logits: [rows, vocab]; entropy: [rows]
    /// <summary>
    /// entropy[r] = -sum p log p of softmax(logits[r]) (no gradient). Computed as
    /// log S - sum(e (x - m)) / S with e = exp(x - m), S = sum e; a row of all -inf gives 0.
    /// </summary>
    public static void Entropy(ReadOnlySpan<float> logits, Span<float> entropy, int rows, int vocab)
    {
        long n = CheckShape(rows, vocab);
        KernelGuard.Length(logits.Length, n, nameof(logits));
        KernelGuard.Length(entropy.Length, rows, nameof(entropy));
        int chunks = KernelParallel.ChunkCount(rows, n);
        if (chunks == 1)
        {
            EntropyRows(logits, entropy, vocab, 0, rows);
        }
        else
        {
            EntropyParallel(logits, entropy, rows, vocab, chunks);
        }
    }

    // logits: [rows, vocab]; entropy: [rows]
    private static void EntropyRows(ReadOnlySpan<float> logits, Span<float> entropy, int vocab, int start, int end)
    {
        for (int r = start; r < end; r++)
        {
            ReadOnlySpan<float> row = logits.Slice(r * vocab, vocab);
            float max = RowOps.Max(row);
            if (float.IsNegativeInfinity(max))
            {
                entropy[r] = 0f;
                continue;
            }

            double sum = ExpRowOps.SumExpWeighted(row, max, out double weighted);
            entropy[r] = (float)(Math.Log(sum) - (weighted / sum));
        }
    }

    private static unsafe void EntropyParallel(ReadOnlySpan<float> logits, Span<float> entropy, int rows, int vocab, int chunks)
    {
        fixed (float* px = logits, ph = entropy)
        {
            var bx = new PinnedBuffer<float>(px, logits.Length);
            var bh = new PinnedBuffer<float>(ph, entropy.Length);
            KernelParallel.For(rows, chunks, (s, e) => EntropyRows(bx.ReadOnlySpan, bh.Span, vocab, s, e));
        }
    }
}
