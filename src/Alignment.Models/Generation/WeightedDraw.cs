using Alignment.Kernels;

namespace Alignment.Models.Generation;

/// <summary>Inverse-CDF draws: the first token whose running weight exceeds uniform × total.</summary>
internal static class WeightedDraw
{
    // Block sums are taken first, then the one block that holds the draw is scanned.
    private const int Block = 256;

    /// <summary>A token drawn from unnormalised weights [V] in id order (total = their sum).</summary>
    public static int FromWeights(ReadOnlySpan<float> weights, double total, double uniform)
    {
        var u = uniform * total;
        double cumulative = 0;
        var start = 0;
        for (; start + Block < weights.Length; start += Block)
        {
            var block = RowOps.Sum(weights.Slice(start, Block));
            if (u < cumulative + block)
            {
                break;
            }

            cumulative += block;
        }

        var chosen = -1;
        for (var i = start; i < weights.Length; i++)
        {
            var w = weights[i];
            if (w > 0f)
            {
                chosen = i;
                cumulative += w;
                if (u < cumulative)
                {
                    return i;
                }
            }
        }

        // Rounding left u beyond the last weight: take the last token that has any.
        return chosen >= 0 ? chosen : weights[..start].LastIndexOfAnyExcept(0f);
    }

    /// <summary>A token drawn from ranking keys in their order (mass = their total weight).</summary>
    public static int FromKeys(ReadOnlySpan<ulong> keys, double mass, double uniform)
    {
        var u = uniform * mass;
        double cumulative = 0;
        var chosen = TokenRanking.Id(keys[0]);
        foreach (var key in keys)
        {
            var p = TokenRanking.Probability(key);
            if (p <= 0f)
            {
                continue;
            }

            chosen = TokenRanking.Id(key);
            cumulative += p;
            if (u < cumulative)
            {
                break;
            }
        }

        return chosen;
    }
}
