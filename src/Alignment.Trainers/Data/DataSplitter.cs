namespace Alignment.Trainers.Data;

/// <summary>
/// Seeded shuffling and train/evaluation splits. Split rankings or questions before expanding them into pairs, so
/// that no prompt has pairs on both sides of the split.
/// </summary>
public static class DataSplitter
{
    /// <summary>A shuffled copy (Fisher–Yates with <see cref="RandomGenerator"/>): the same seed gives the same order on every machine.</summary>
    /// <typeparam name="T">The record type.</typeparam>
    /// <param name="items">The records; not modified.</param>
    /// <param name="seed">The seed.</param>
    /// <returns>The records in a new order.</returns>
    public static IReadOnlyList<T> Shuffle<T>(IEnumerable<T> items, ulong seed)
    {
        ArgumentNullException.ThrowIfNull(items);
        var copy = items.ToArray();
        new RandomGenerator(seed).Shuffle(copy.AsSpan());
        return copy;
    }

    /// <summary>
    /// Shuffles the records with <paramref name="seed"/>, then keeps the first round(n · <paramref name="evaluationFraction"/>)
    /// for evaluation and the rest for training.
    /// </summary>
    /// <typeparam name="T">The record type.</typeparam>
    /// <param name="items">The records; not modified.</param>
    /// <param name="evaluationFraction">The share held out, in [0, 1].</param>
    /// <param name="seed">The seed of the shuffle.</param>
    /// <returns>The two parts.</returns>
    public static DataSplit<T> Split<T>(IEnumerable<T> items, double evaluationFraction, ulong seed)
    {
        if (!(evaluationFraction >= 0 && evaluationFraction <= 1))
        {
            throw new ArgumentOutOfRangeException(nameof(evaluationFraction), evaluationFraction, "The evaluation fraction must be in [0, 1].");
        }

        var shuffled = Shuffle(items, seed);
        var evaluationCount = (int)Math.Round(shuffled.Count * evaluationFraction);
        return new DataSplit<T>(shuffled.Skip(evaluationCount).ToArray(), shuffled.Take(evaluationCount).ToArray());
    }
}
