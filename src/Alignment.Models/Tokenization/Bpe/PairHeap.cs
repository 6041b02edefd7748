namespace Alignment.Models.Tokenization.Bpe;

/// <summary>
/// A binary min-heap of (rank, node) entries over a caller-supplied buffer, ordered by rank and
/// then by node index (that is, by position in the word).
/// </summary>
internal struct PairHeap
{
    private readonly ulong[] _items;

    /// <summary>Creates an empty heap that stores its entries in <paramref name="buffer"/>.</summary>
    public PairHeap(ulong[] buffer) => _items = buffer;

    /// <summary>The number of entries.</summary>
    public int Count { get; private set; }

    /// <summary>Adds (<paramref name="rank"/>, <paramref name="node"/>) unless the rank is <see cref="int.MaxValue"/> (no merge).</summary>
    public void PushIfMergeable(int rank, int node)
    {
        if (rank == int.MaxValue)
        {
            return;
        }

        ulong item = ((ulong)(uint)rank << 32) | (uint)node;
        int i = Count++;
        while (i > 0)
        {
            int parent = (i - 1) >> 1;
            if (_items[parent] <= item)
            {
                break;
            }

            _items[i] = _items[parent];
            i = parent;
        }

        _items[i] = item;
    }

    /// <summary>The rank of the smallest entry; the heap must not be empty.</summary>
    public readonly int PeekRank() => (int)(_items[0] >> 32);

    /// <summary>Removes the smallest entry and returns its node; the heap must not be empty.</summary>
    public int PopNode()
    {
        ulong top = _items[0];
        ulong last = _items[--Count];
        int i = 0;
        while (true)
        {
            int child = (2 * i) + 1;
            if (child >= Count)
            {
                break;
            }

            if (child + 1 < Count && _items[child + 1] < _items[child])
            {
                child++;
            }

            if (_items[child] >= last)
            {
                break;
            }

            _items[i] = _items[child];
            i = child;
        }

        if (Count > 0)
        {
            _items[i] = last;
        }

        return (int)(uint)top;
    }
}
