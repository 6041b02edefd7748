namespace Alignment.Kernels;

/// <summary>Splits row ranges across threads when the work is large enough to pay for it.</summary>
internal static class KernelParallel
{
    /// <summary>Below this many scalar operations a kernel runs on the calling thread.</summary>
    public const long MinParallelWork = 32 * 1024;

    /// <summary>Upper bound on chunks for the deterministic (thread-count independent) split.</summary>
    public const int MaxDeterministicChunks = 8;

    /// <summary>
    /// Number of contiguous chunks to split <paramref name="items"/> into. A few chunks per core give
    /// some load balancing on a busy machine; results of row-independent kernels do not depend on it.
    /// </summary>
    public static int ChunkCount(int items, long work)
    {
        int workers = Environment.ProcessorCount;
        if (work < MinParallelWork || items < 2 || workers < 2)
        {
            return 1;
        }

        return Math.Min(items, 4 * workers);
    }

    /// <summary>
    /// A chunk count that depends only on the problem size (never on the machine), for kernels whose
    /// per-chunk partial sums are combined afterwards and must be bit-reproducible.
    /// </summary>
    public static int DeterministicChunkCount(int items, long work) =>
        work < MinParallelWork || items < 2 ? 1 : Math.Min(items, MaxDeterministicChunks);

    /// <summary>First item of chunk <paramref name="chunk"/> out of <paramref name="chunks"/>.</summary>
    public static int ChunkStart(int items, int chunks, int chunk) => (int)((long)items * chunk / chunks);

    /// <summary>Runs <paramref name="body"/>(start, end) over <paramref name="chunks"/> contiguous ranges.</summary>
    public static void For(int items, int chunks, Action<int, int> body)
    {
        if (chunks <= 1)
        {
            body(0, items);
            return;
        }

        WorkerTeam.Shared.For(chunks, c => body(ChunkStart(items, chunks, c), ChunkStart(items, chunks, c + 1)));
    }
}
