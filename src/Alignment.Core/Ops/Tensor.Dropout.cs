namespace Alignment;

public sealed partial class Tensor
{
    /// <summary>
    /// Inverted dropout: zeroes each element with probability <paramref name="p"/> and scales the rest by
    /// 1/(1 − p). Returns the input unchanged when <paramref name="training"/> is false or p is 0.
    /// </summary>
    /// <param name="x">Input.</param>
    /// <param name="p">Drop probability in [0, 1).</param>
    /// <param name="training">Whether to drop: true in training mode; false returns <paramref name="x"/> itself (evaluation mode).</param>
    /// <param name="random">The seeded generator that draws the mask.</param>
    /// <returns>The result.</returns>
    public static Tensor Dropout(Tensor x, float p, bool training, RandomGenerator random)
    {
        ArgumentNullException.ThrowIfNull(x);
        ArgumentNullException.ThrowIfNull(random);
        if (p < 0f || p >= 1f)
        {
            throw new ArgumentOutOfRangeException(nameof(p), $"Dropout probability must be in [0, 1), got {p}.");
        }

        if (!training || p == 0f)
        {
            return x;
        }

        var mask = Empty(x._shape);
        var ms = mask.Span;
        var scale = 1f / (1f - p);
        for (var i = 0; i < ms.Length; i++)
        {
            ms[i] = random.NextSingle() < p ? 0f : scale;
        }

        return Mul(x, mask);
    }
}
