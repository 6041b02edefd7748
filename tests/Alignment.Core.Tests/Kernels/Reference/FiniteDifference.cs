namespace Alignment.Tests.Kernels.Reference;

/// <summary>Central finite differences of a scalar function of a double vector.</summary>
internal static class FiniteDifference
{
    /// <summary>Numerical gradient of <paramref name="f"/> at <paramref name="x"/> (x is restored afterwards).</summary>
    public static double[] Gradient(Func<double[], double> f, double[] x, double h = 1e-5)
    {
        var g = new double[x.Length];
        for (int i = 0; i < x.Length; i++)
        {
            double saved = x[i];
            x[i] = saved + h;
            double plus = f(x);
            x[i] = saved - h;
            double minus = f(x);
            x[i] = saved;
            g[i] = (plus - minus) / (2 * h);
        }

        return g;
    }

    /// <summary>Asserts that an analytic gradient matches central differences.</summary>
    public static void Check(Func<double[], double> f, double[] x, double[] analytic, string what, double tolerance = 1e-6)
    {
        double[] numeric = Gradient(f, x);
        KernelAssert.Close(numeric, analytic, tolerance, what);
    }
}
