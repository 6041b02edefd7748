using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace Alignment.Models.Generation;

/// <summary>
/// Finds the top-k tokens or the nucleus (top-p) of a row of unnormalised probabilities without sorting the vocabulary:
/// top-k keeps a heap of the best k; the nucleus takes one pass that builds a histogram of mass over the top 12 bits of
/// each weight (exponent and 3 mantissa bits, so a bucket spans a factor of about 1.09), which splits the tokens into
/// those certainly kept, those certainly dropped and one boundary bucket, and only the boundary bucket is sorted.
/// Results are <see cref="TokenRanking"/> keys in a scratch buffer of V entries.
/// </summary>
internal sealed class TokenCandidates
{
    // A weight in [0, 1] has bits >> 20 in [0, 1016] (1 is 0x3F800000), ordered like the weights.
    private const int BucketCount = (0x3F800000 >> 20) + 1;

    private readonly ulong[] _keys;                        // [V]
    private readonly double[] _mass = new double[BucketCount];

    public TokenCandidates(int vocabularySize) => _keys = new ulong[vocabularySize];

    /// <summary>
    /// The <paramref name="k"/> most likely tokens (ties by the lower id), 0 &lt; k ≤ V, most likely first when
    /// <paramref name="sorted"/>, otherwise in no particular (but deterministic) order. A heap holds the best k keys so
    /// far; blocks of weights that all fall below the heap's worst weight are skipped with one vector comparison.
    /// </summary>
    public Span<ulong> TopK(ReadOnlySpan<float> weights, int k, bool sorted)
    {
        var heap = _keys.AsSpan(0, k);
        for (var i = 0; i < k; i++)
        {
            heap[i] = TokenRanking.Key(weights[i], i);
        }

        KeyHeap.Build(heap);
        var worst = TokenRanking.Probability(heap[0]);
        var j = k;
        if (Vector256.IsHardwareAccelerated)
        {
            ref var start = ref MemoryMarshal.GetReference(weights);
            for (; j <= weights.Length - Vector256<float>.Count; j += Vector256<float>.Count)
            {
                if (Vector256.GreaterThanOrEqualAny(Vector256.LoadUnsafe(ref start, (nuint)j), Vector256.Create(worst)))
                {
                    for (var lane = j; lane < j + Vector256<float>.Count; lane++)
                    {
                        Offer(heap, weights[lane], lane, ref worst);
                    }
                }
            }
        }

        for (; j < weights.Length; j++)
        {
            Offer(heap, weights[j], j, ref worst);
        }

        if (sorted)
        {
            heap.Sort();
        }

        return heap;
    }

    /// <summary>
    /// The smallest set of most likely tokens whose weight reaches <paramref name="target"/> (at least one token):
    /// the tokens above the boundary bucket in id order, then the boundary bucket's most likely tokens.
    /// </summary>
    public Span<ulong> Nucleus(ReadOnlySpan<float> weights, double target, out double mass)
    {
        Array.Clear(_mass);
        foreach (var w in weights)
        {
            _mass[Bucket(w)] += w;
        }

        var boundary = 0;
        double above = 0;
        for (var b = BucketCount - 1; b >= 0; b--)
        {
            if (above + _mass[b] >= target)
            {
                boundary = b;
                break;
            }

            above += _mass[b];
        }

        var sure = Collect(weights, boundary, out var tailStart, out mass);
        var tail = _keys.AsSpan(tailStart);
        tail.Sort();
        var taken = 0;
        while (taken < tail.Length && (mass < target || sure + taken == 0))
        {
            mass += TokenRanking.Probability(tail[taken]);
            taken++;
        }

        tail[..taken].CopyTo(_keys.AsSpan(sure));
        return _keys.AsSpan(0, sure + taken);
    }

    /// <summary>The shortest prefix of <paramref name="ranked"/> (most likely first) whose weight reaches <paramref name="target"/>, at least one token.</summary>
    public static Span<ulong> Prefix(Span<ulong> ranked, double target, out double mass)
    {
        mass = 0;
        for (var count = 1; count <= ranked.Length; count++)
        {
            mass += TokenRanking.Probability(ranked[count - 1]);
            if (mass >= target)
            {
                return ranked[..count];
            }
        }

        return ranked;
    }

    /// <summary>The total weight of some keys.</summary>
    public static double Mass(ReadOnlySpan<ulong> keys)
    {
        double mass = 0;
        foreach (var key in keys)
        {
            mass += TokenRanking.Probability(key);
        }

        return mass;
    }

    // Keys of tokens above the boundary bucket go to the front (id order; their weight is returned), keys of the boundary
    // bucket to the back, from tailStart on. Returns the number at the front.
    private int Collect(ReadOnlySpan<float> weights, int boundary, out int tailStart, out double sureMass)
    {
        int sure = 0, end = _keys.Length;
        sureMass = 0;
        for (var i = 0; i < weights.Length; i++)
        {
            var w = weights[i];
            var b = Bucket(w);
            if (b > boundary)
            {
                _keys[sure++] = TokenRanking.Key(w, i);
                sureMass += w;
            }
            else if (b == boundary)
            {
                _keys[--end] = TokenRanking.Key(w, i);
            }
        }

        tailStart = end;
        return sure;
    }

    private static void Offer(Span<ulong> heap, float weight, int id, ref float worst)
    {
        var key = TokenRanking.Key(weight, id);
        if (key < heap[0])
        {
            KeyHeap.ReplaceTop(heap, key);
            worst = TokenRanking.Probability(heap[0]);
        }
    }

    private static int Bucket(float weight) => Math.Min((int)(BitConverter.SingleToUInt32Bits(weight) >> 20), BucketCount - 1);
}
