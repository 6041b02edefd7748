using System.Collections.Concurrent;

namespace Alignment.Models.Tokenization.Bpe;

/// <summary>
/// A thread-safe cache from a pre-tokenized word to its token ids. Lookups take a span and do
/// not allocate. The cache holds at most about <c>capacity</c> words: when an insertion would
/// exceed it, the cache is emptied and starts over, which keeps memory bounded and lets it follow
/// a change of text distribution.
/// </summary>
internal sealed class BpeWordCache
{
    /// <summary>Words longer than this many UTF-16 units are not cached.</summary>
    public const int MaxWordLength = 64;

    private readonly ConcurrentDictionary<string, int[]> _entries = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, int[]>.AlternateLookup<ReadOnlySpan<char>> _spanLookup;
    private readonly int _capacity;
    private int _count;

    /// <summary>Creates a cache of about <paramref name="capacity"/> words; 0 disables caching.</summary>
    public BpeWordCache(int capacity)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(capacity);
        _capacity = capacity;
        _spanLookup = _entries.GetAlternateLookup<ReadOnlySpan<char>>();
    }

    /// <summary>Whether words are cached at all.</summary>
    public bool Enabled => _capacity > 0;

    /// <summary>The number of cached words.</summary>
    public int Count => _entries.Count;

    /// <summary>Looks up the ids of <paramref name="word"/>.</summary>
    public bool TryGet(ReadOnlySpan<char> word, out int[] ids)
    {
        if (_capacity > 0 && word.Length <= MaxWordLength)
        {
            return _spanLookup.TryGetValue(word, out ids!);
        }

        ids = [];
        return false;
    }

    /// <summary>Remembers the ids of <paramref name="word"/> when it is short enough to cache.</summary>
    public void Add(ReadOnlySpan<char> word, ReadOnlySpan<int> ids)
    {
        if (_capacity == 0 || word.Length > MaxWordLength)
        {
            return;
        }

        if (Interlocked.Increment(ref _count) > _capacity)
        {
            Clear();
            Interlocked.Increment(ref _count);
        }

        _spanLookup.TryAdd(word, ids.ToArray());
    }

    /// <summary>Forgets every cached word.</summary>
    public void Clear()
    {
        _entries.Clear();
        Volatile.Write(ref _count, 0);
    }
}
