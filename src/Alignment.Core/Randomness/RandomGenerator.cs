namespace Alignment;

/// <summary>
/// The one seeded pseudo-random generator of the library (xoshiro256**, seeded through SplitMix64),
/// used for initialisation, dropout, shuffling and sampling. The same seed gives the same numbers on
/// every machine. Not thread-safe: give each thread its own generator (see <see cref="Fork"/>).
/// </summary>
public sealed class RandomGenerator
{
    private ulong _s0, _s1, _s2, _s3;
    private float _spareNormal;
    private bool _hasSpareNormal;

    /// <summary>Creates a generator from a seed.</summary>
    /// <param name="seed">Any 64-bit value; equal seeds give equal streams.</param>
    public RandomGenerator(ulong seed)
    {
        var x = seed;
        _s0 = SplitMix(ref x);
        _s1 = SplitMix(ref x);
        _s2 = SplitMix(ref x);
        _s3 = SplitMix(ref x);
    }

    /// <summary>Returns the next 64 random bits.</summary>
    public ulong NextUInt64()
    {
        var result = BitRotate(_s1 * 5, 7) * 9;
        var t = _s1 << 17;
        _s2 ^= _s0;
        _s3 ^= _s1;
        _s1 ^= _s2;
        _s0 ^= _s3;
        _s2 ^= t;
        _s3 = BitRotate(_s3, 45);
        return result;
    }

    /// <summary>Returns a uniform float in [0, 1).</summary>
    public float NextSingle() => (NextUInt64() >> 40) * (1.0f / (1 << 24));

    /// <summary>Returns a uniform double in [0, 1).</summary>
    public double NextDouble() => (NextUInt64() >> 11) * (1.0 / (1UL << 53));

    /// <summary>Returns a uniform integer in [0, <paramref name="maxExclusive"/>), without modulo bias.</summary>
    /// <param name="maxExclusive">Upper bound, greater than zero.</param>
    public int NextInt(int maxExclusive)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxExclusive);
        var bound = (ulong)maxExclusive;
        var threshold = (0UL - bound) % bound;
        while (true)
        {
            var r = NextUInt64();
            if (r >= threshold)
            {
                return (int)(r % bound);
            }
        }
    }

    /// <summary>Returns a standard normal sample (Box–Muller).</summary>
    public float NextNormal()
    {
        if (_hasSpareNormal)
        {
            _hasSpareNormal = false;
            return _spareNormal;
        }

        double u1;
        do
        {
            u1 = NextDouble();
        }
        while (u1 <= double.Epsilon);
        var u2 = NextDouble();
        var radius = Math.Sqrt(-2.0 * Math.Log(u1));
        var angle = 2.0 * Math.PI * u2;
        _spareNormal = (float)(radius * Math.Sin(angle));
        _hasSpareNormal = true;
        return (float)(radius * Math.Cos(angle));
    }

    /// <summary>Shuffles a span in place (Fisher–Yates).</summary>
    /// <typeparam name="T">Element type.</typeparam>
    /// <param name="items">The items to shuffle.</param>
    public void Shuffle<T>(Span<T> items)
    {
        for (var i = items.Length - 1; i > 0; i--)
        {
            var j = NextInt(i + 1);
            (items[i], items[j]) = (items[j], items[i]);
        }
    }

    /// <summary>Creates an independent generator seeded from this one's stream.</summary>
    /// <returns>A new generator.</returns>
    public RandomGenerator Fork() => new(NextUInt64());

    /// <summary>Captures the full state so that <see cref="SetState"/> can resume the exact stream.</summary>
    /// <returns>Five 64-bit words: the four state words and the cached normal sample.</returns>
    public ulong[] GetState() =>
        [_s0, _s1, _s2, _s3, _hasSpareNormal ? (1UL << 32) | BitConverter.SingleToUInt32Bits(_spareNormal) : 0UL];

    /// <summary>Restores a state captured with <see cref="GetState"/>.</summary>
    /// <param name="state">The five words returned by <see cref="GetState"/>.</param>
    public void SetState(ReadOnlySpan<ulong> state)
    {
        if (CheckState(state) is { } problem)
        {
            throw new ArgumentException(problem, nameof(state));
        }

        (_s0, _s1, _s2, _s3) = (state[0], state[1], state[2], state[3]);
        _hasSpareNormal = (state[4] >> 32) != 0;
        _spareNormal = BitConverter.UInt32BitsToSingle((uint)state[4]);
    }

    /// <summary>Names what makes <paramref name="state"/> unfit for <see cref="SetState"/>, or returns null when it fits.</summary>
    internal static string? CheckState(ReadOnlySpan<ulong> state)
    {
        if (state.Length != 5)
        {
            return "A generator state has exactly 5 words.";
        }

        return (state[0] | state[1] | state[2] | state[3]) == 0 ? "An all-zero xoshiro state is invalid." : null;
    }

    private static ulong BitRotate(ulong x, int k) => (x << k) | (x >> (64 - k));

    private static ulong SplitMix(ref ulong x)
    {
        x += 0x9E3779B97F4A7C15UL;
        var z = x;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }
}
