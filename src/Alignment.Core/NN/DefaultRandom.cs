namespace Alignment.NN;

/// <summary>
/// The generator modules use when none is given: one per thread with a fixed seed, so a program that
/// builds its model on one thread gets the same weights on every run, while successive layers differ.
/// </summary>
internal static class DefaultRandom
{
    private const ulong Seed = 0x5EED_0F_A11_6E7UL;

    [ThreadStatic]
    private static RandomGenerator? _current;

    public static RandomGenerator Current => _current ??= new RandomGenerator(Seed);
}
