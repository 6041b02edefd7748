namespace Alignment.Models.Generation;

/// <summary>A binary max-heap of ranking keys in a span: the root is the largest key, i.e. the least likely token.</summary>
internal static class KeyHeap
{
    /// <summary>Arranges <paramref name="heap"/> into a max-heap.</summary>
    public static void Build(Span<ulong> heap)
    {
        for (var i = (heap.Length / 2) - 1; i >= 0; i--)
        {
            SiftDown(heap, i);
        }
    }

    /// <summary>Replaces the root with <paramref name="key"/> and restores the heap.</summary>
    public static void ReplaceTop(Span<ulong> heap, ulong key)
    {
        heap[0] = key;
        SiftDown(heap, 0);
    }

    private static void SiftDown(Span<ulong> heap, int i)
    {
        var key = heap[i];
        while (true)
        {
            var child = (2 * i) + 1;
            if (child >= heap.Length)
            {
                break;
            }

            if (child + 1 < heap.Length && heap[child + 1] > heap[child])
            {
                child++;
            }

            if (heap[child] <= key)
            {
                break;
            }

            heap[i] = heap[child];
            i = child;
        }

        heap[i] = key;
    }
}
