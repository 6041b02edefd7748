namespace Alignment.Benchmarks;

/// <summary>Inputs and statistics shared by the benchmarks.</summary>
internal static class Samples
{
    /// <summary>The median of <paramref name="values"/> (sorts them in place).</summary>
    public static double Median(List<double> values)
    {
        values.Sort();
        int mid = values.Count / 2;
        return values.Count % 2 == 1 ? values[mid] : (values[mid - 1] + values[mid]) / 2;
    }

    /// <summary><paramref name="length"/> values uniform in [-1, 1).</summary>
    public static float[] RandomFloats(Random rng, long length)
    {
        float[] values = new float[length];
        for (long i = 0; i < length; i++)
        {
            values[i] = (float)((rng.NextDouble() * 2) - 1);
        }

        return values;
    }
}
