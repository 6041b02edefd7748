namespace Alignment.Kernels;

/// <summary>
/// Same-length elementwise work (a binary operator, a copy) split across the worker team when it is large enough.
/// Chunk boundaries fall on multiples of <see cref="Alignment"/> elements, so every element takes the same vectorised
/// path as in one call over the whole span: the results do not depend on the number of threads. The output may be
/// one of the inputs (in-place), since each chunk reads and writes only its own elements.
/// </summary>
internal static unsafe class ParallelSpans
{
    /// <summary>Chunks start at multiples of this many elements (a whole number of 512-bit vectors and cache lines).</summary>
    public const int Alignment = 64;

    /// <summary>y = a ⊕ b elementwise, all three of the same length.</summary>
    public static void Binary<TOp>(ReadOnlySpan<float> a, ReadOnlySpan<float> b, Span<float> y)
        where TOp : IBinaryOperator
    {
        KernelGuard.Length(a.Length, y.Length, nameof(a));
        KernelGuard.Length(b.Length, y.Length, nameof(b));
        int chunks = Chunks(y.Length);
        if (chunks == 1)
        {
            TOp.Invoke(a, b, y);
            return;
        }

        fixed (float* pa = a, pb = b, py = y)
        {
            var ba = new PinnedBuffer<float>(pa, a.Length);
            var bb = new PinnedBuffer<float>(pb, b.Length);
            var by = new PinnedBuffer<float>(py, y.Length);
            int length = y.Length;
            WorkerTeam.Shared.For(chunks, c =>
            {
                (int start, int count) = Chunk(length, chunks, c);
                TOp.Invoke(ba.ReadOnlySlice(start, count), bb.ReadOnlySlice(start, count), by.Slice(start, count));
            });
        }
    }

    /// <summary>destination = source, both of the same length and not overlapping.</summary>
    public static void Copy(ReadOnlySpan<float> source, Span<float> destination)
    {
        KernelGuard.Length(source.Length, destination.Length, nameof(source));
        int chunks = Chunks(destination.Length);
        if (chunks == 1)
        {
            source.CopyTo(destination);
            return;
        }

        fixed (float* ps = source, pd = destination)
        {
            var bs = new PinnedBuffer<float>(ps, source.Length);
            var bd = new PinnedBuffer<float>(pd, destination.Length);
            int length = destination.Length;
            WorkerTeam.Shared.For(chunks, c =>
            {
                (int start, int count) = Chunk(length, chunks, c);
                bs.ReadOnlySlice(start, count).CopyTo(bd.Slice(start, count));
            });
        }
    }

    // One chunk per thread: this work is bound by memory and the same for every element.
    private static int Chunks(int length) =>
        length < KernelParallel.MinParallelWork ? 1 : Math.Min(WorkerTeam.Shared.Threads, length / Alignment);

    // Chunk c of chunks: whole multiples of Alignment, the last one taking the rest.
    private static (int Start, int Count) Chunk(int length, int chunks, int c)
    {
        int blocks = length / Alignment;
        int start = KernelParallel.ChunkStart(blocks, chunks, c) * Alignment;
        int end = c == chunks - 1 ? length : KernelParallel.ChunkStart(blocks, chunks, c + 1) * Alignment;
        return (start, end - start);
    }
}
