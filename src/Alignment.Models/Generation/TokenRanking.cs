namespace Alignment.Models.Generation;

/// <summary>
/// Ranks tokens by probability with one 64-bit key per token: the high half orders by probability, descending, the low
/// half by id, ascending. Sorting keys ascending therefore lists the most likely token first, ties by the lower id,
/// deterministically and without a comparer.
/// </summary>
internal static class TokenRanking
{
    /// <summary>The key of a token; <paramref name="probability"/> must be a non-negative number.</summary>
    public static ulong Key(float probability, int id) =>
        ((ulong)(uint.MaxValue - BitConverter.SingleToUInt32Bits(probability)) << 32) | (uint)id;

    /// <summary>The token id of a key.</summary>
    public static int Id(ulong key) => (int)(uint)key;

    /// <summary>The probability of a key.</summary>
    public static float Probability(ulong key) => BitConverter.UInt32BitsToSingle(uint.MaxValue - (uint)(key >> 32));
}
