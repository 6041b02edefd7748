using System.Numerics;
using Alignment.Models.Tokenization.Loading;

namespace Alignment.Models.Tokenization.Bpe;

/// <summary>
/// Merge rules keyed by the pair of symbol ids they join, in an open-addressing hash table
/// with multiplicative hashing (a <see cref="Dictionary{TKey, TValue}"/> of packed pairs hashes
/// <c>left ^ right</c>, which collides heavily for real vocabularies).
/// </summary>
internal sealed class BpeMergeTable
{
    private const ulong EmptyKey = ulong.MaxValue; // Ids are non-negative, so no real key has its top bit set.
    private const ulong Fibonacci = 0x9E3779B97F4A7C15;

    private readonly ulong[] _keys;
    private readonly BpeMerge[] _values;
    private readonly int _shift;

    private BpeMergeTable(int capacityLog2)
    {
        _keys = new ulong[1 << capacityLog2];
        Array.Fill(_keys, EmptyKey);
        _values = new BpeMerge[_keys.Length];
        _shift = 64 - capacityLog2;
    }

    /// <summary>The number of distinct pairs that can merge.</summary>
    public int Count { get; private set; }

    /// <summary>
    /// Builds the table from rules in rank order. When a pair is listed twice the later rank
    /// wins, as in the reference GPT-2 encoder.
    /// </summary>
    /// <exception cref="TokenizerFormatException">A symbol, or the concatenation of a pair, is not in the vocabulary.</exception>
    public static BpeMergeTable Build(IReadOnlyList<MergeEntry> rules, Dictionary<string, int> vocabulary, string source)
    {
        // At most half full: short probe sequences for hits and misses alike.
        int capacityLog2 = Math.Max(4, BitOperations.Log2((uint)Math.Max(1, rules.Count)) + 2);
        var table = new BpeMergeTable(capacityLog2);
        for (int rank = 0; rank < rules.Count; rank++)
        {
            MergeEntry rule = rules[rank];
            int left = Lookup(rule.Left, rule, vocabulary, source, "symbol");
            int right = Lookup(rule.Right, rule, vocabulary, source, "symbol");
            int result = Lookup(rule.Left + rule.Right, rule, vocabulary, source, "merged symbol");
            table.Set(Key(left, right), new BpeMerge(rank, result));
        }

        return table;
    }

    /// <summary>Looks up the merge of <paramref name="left"/> followed by <paramref name="right"/>.</summary>
    public bool TryGet(int left, int right, out BpeMerge merge)
    {
        ulong key = Key(left, right);
        ulong[] keys = _keys;
        int mask = keys.Length - 1;
        for (int slot = Slot(key); ; slot = (slot + 1) & mask)
        {
            ulong found = keys[slot];
            if (found == key)
            {
                merge = _values[slot];
                return true;
            }

            if (found == EmptyKey)
            {
                merge = default;
                return false;
            }
        }
    }

    private void Set(ulong key, BpeMerge value)
    {
        int mask = _keys.Length - 1;
        int slot = Slot(key);
        while (_keys[slot] != EmptyKey && _keys[slot] != key)
        {
            slot = (slot + 1) & mask;
        }

        if (_keys[slot] == EmptyKey)
        {
            _keys[slot] = key;
            Count++;
        }

        _values[slot] = value;
    }

    private int Slot(ulong key) => (int)((key * Fibonacci) >> _shift);

    private static ulong Key(int left, int right) => ((ulong)(uint)left << 32) | (uint)right;

    private static int Lookup(string symbol, MergeEntry rule, Dictionary<string, int> vocabulary, string source, string what)
    {
        if (vocabulary.TryGetValue(symbol, out int id))
        {
            return id;
        }

        throw new TokenizerFormatException(
            $"{source}, {rule.Location}: {what} {ErrorText.Quote(symbol)} of the merge {ErrorText.Quote(rule.Left + " " + rule.Right)} is not in the vocabulary",
            source,
            rule.LineNumber);
    }
}
