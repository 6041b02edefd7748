namespace Alignment.Tests.Kernels.Reference;

/// <summary>Deterministic random test inputs.</summary>
internal static class TestData
{
    /// <summary>n normally distributed floats with the given scale and offset.</summary>
    public static float[] Normal(Random rng, int n, double scale = 1.0, double offset = 0.0)
    {
        var a = new float[n];
        for (int i = 0; i < n; i++)
        {
            double u1 = 1.0 - rng.NextDouble();
            double u2 = rng.NextDouble();
            a[i] = (float)(offset + (scale * Math.Sqrt(-2.0 * Math.Log(u1)) * Math.Cos(2.0 * Math.PI * u2)));
        }

        return a;
    }

    /// <summary>n uniform floats in [lo, hi).</summary>
    public static float[] Uniform(Random rng, int n, double lo, double hi)
    {
        var a = new float[n];
        for (int i = 0; i < n; i++)
        {
            a[i] = (float)(lo + ((hi - lo) * rng.NextDouble()));
        }

        return a;
    }

    /// <summary>n integers in [0, max).</summary>
    public static int[] Ints(Random rng, int n, int max)
    {
        var a = new int[n];
        for (int i = 0; i < n; i++)
        {
            a[i] = rng.Next(max);
        }

        return a;
    }

    public static double[] ToDouble(float[] a) => Array.ConvertAll(a, v => (double)v);

    public static float[] ToFloat(double[] a) => Array.ConvertAll(a, v => (float)v);

    /// <summary>Element-wise a + b in double (expected value of an accumulating backward).</summary>
    public static double[] Add(float[] a, double[] b)
    {
        var r = new double[a.Length];
        for (int i = 0; i < a.Length; i++)
        {
            r[i] = a[i] + b[i];
        }

        return r;
    }

    /// <summary>Sum of w[i] * y[i].</summary>
    public static double Weighted(double[] y, double[] w)
    {
        double s = 0;
        for (int i = 0; i < y.Length; i++)
        {
            s += w[i] * y[i];
        }

        return s;
    }
}
