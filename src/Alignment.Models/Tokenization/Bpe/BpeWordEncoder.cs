using System.Buffers;

namespace Alignment.Models.Tokenization.Bpe;

/// <summary>
/// Applies BPE merges to the symbols of one word with the semantics of the reference GPT-2
/// encoder: repeatedly take the adjacent pair with the lowest rank and merge every
/// non-overlapping occurrence of it, from left to right, until no pair can merge.
/// </summary>
/// <remarks>
/// Short words use a linked list scanned for the lowest rank (fast for the few symbols of a
/// typical word); long ones use a binary heap so that pathological inputs (a megabyte without
/// spaces) stay O(n log n). Both give the same result.
/// </remarks>
internal static class BpeWordEncoder
{
    /// <summary>Words of at most this many symbols use the linked-list path.</summary>
    internal const int SmallWordLimit = 64;

    private const int NoMerge = int.MaxValue;

    /// <summary>Merges <paramref name="symbols"/> in place and returns how many remain at the front.</summary>
    public static int Encode(BpeMergeTable merges, Span<int> symbols) => symbols.Length switch
    {
        <= 1 => symbols.Length,
        <= SmallWordLimit => EncodeSmall(merges, symbols),
        _ => EncodeLarge(merges, symbols),
    };

    /// <summary>The linked-list path; <paramref name="symbols"/> holds at most <see cref="SmallWordLimit"/> ids.</summary>
    internal static int EncodeSmall(BpeMergeTable merges, Span<int> symbols)
    {
        int n = symbols.Length;
        ArgumentOutOfRangeException.ThrowIfGreaterThan(n, SmallWordLimit, nameof(symbols));
        Span<int> next = stackalloc int[SmallWordLimit];
        Span<int> prev = stackalloc int[SmallWordLimit];
        Span<int> rank = stackalloc int[SmallWordLimit];
        Span<int> result = stackalloc int[SmallWordLimit];
        for (int i = 0; i < n; i++)
        {
            next[i] = i + 1;
            prev[i] = i - 1;
            rank[i] = i + 1 < n ? RankOf(merges, symbols[i], symbols[i + 1], out result[i]) : NoMerge;
        }

        while (true)
        {
            int best = NoMerge;
            int first = -1;
            for (int i = 0; i < n; i = next[i])
            {
                if (rank[i] < best)
                {
                    best = rank[i];
                    first = i;
                }
            }

            if (first < 0)
            {
                break;
            }

            // A merge never creates another pair of the same rank, so one left-to-right pass
            // merges every non-overlapping occurrence.
            for (int i = first; i < n; i = next[i])
            {
                if (rank[i] != best)
                {
                    continue;
                }

                symbols[i] = result[i];
                int after = next[next[i]];
                next[i] = after;
                if (after < n)
                {
                    prev[after] = i;
                    rank[i] = RankOf(merges, symbols[i], symbols[after], out result[i]);
                }
                else
                {
                    rank[i] = NoMerge;
                }

                int before = prev[i];
                if (before >= 0)
                {
                    rank[before] = RankOf(merges, symbols[before], symbols[i], out result[before]);
                }
            }
        }

        int count = 0;
        for (int i = 0; i < n; i = next[i])
        {
            symbols[count++] = symbols[i];
        }

        return count;
    }

    /// <summary>The heap path, for words of any length.</summary>
    internal static int EncodeLarge(BpeMergeTable merges, Span<int> symbols)
    {
        int n = symbols.Length;
        int[] state = ArrayPool<int>.Shared.Rent(4 * n);
        ulong[] heapArray = ArrayPool<ulong>.Shared.Rent(3 * n);
        int[] batchArray = ArrayPool<int>.Shared.Rent(3 * n);
        try
        {
            Span<int> next = state.AsSpan(0, n);
            Span<int> prev = state.AsSpan(n, n);
            Span<int> rank = state.AsSpan(2 * n, n);
            Span<int> result = state.AsSpan(3 * n, n);
            var heap = new PairHeap(heapArray);
            for (int i = 0; i < n; i++)
            {
                next[i] = i + 1;
                prev[i] = i - 1;
                rank[i] = i + 1 < n ? RankOf(merges, symbols[i], symbols[i + 1], out result[i]) : NoMerge;
                heap.PushIfMergeable(rank[i], i);
            }

            while (heap.Count > 0)
            {
                // Take every pending entry of the lowest rank before merging, so that pairs a
                // merge creates wait for the next round, exactly as in the linked-list path.
                int best = heap.PeekRank();
                int batch = 0;
                while (heap.Count > 0 && heap.PeekRank() == best)
                {
                    batchArray[batch++] = heap.PopNode();
                }

                for (int b = 0; b < batch; b++)
                {
                    int i = batchArray[b];
                    if (symbols[i] < 0 || rank[i] != best)
                    {
                        continue; // Stale: the node was merged away or its pair changed.
                    }

                    symbols[i] = result[i];
                    int removed = next[i];
                    symbols[removed] = -1;
                    int after = next[removed];
                    next[i] = after;
                    if (after < n)
                    {
                        prev[after] = i;
                        rank[i] = RankOf(merges, symbols[i], symbols[after], out result[i]);
                    }
                    else
                    {
                        rank[i] = NoMerge;
                    }

                    heap.PushIfMergeable(rank[i], i);
                    int before = prev[i];
                    if (before >= 0)
                    {
                        rank[before] = RankOf(merges, symbols[before], symbols[i], out result[before]);
                        heap.PushIfMergeable(rank[before], before);
                    }
                }
            }

            int count = 0;
            for (int i = 0; i < n; i = next[i])
            {
                symbols[count++] = symbols[i];
            }

            return count;
        }
        finally
        {
            ArrayPool<int>.Shared.Return(state);
            ArrayPool<ulong>.Shared.Return(heapArray);
            ArrayPool<int>.Shared.Return(batchArray);
        }
    }

    private static int RankOf(BpeMergeTable merges, int left, int right, out int result)
    {
        if (merges.TryGet(left, right, out BpeMerge merge))
        {
            result = merge.Result;
            return merge.Rank;
        }

        result = -1;
        return NoMerge;
    }
}
