namespace Alignment.Tests.Kernels.Reference;

/// <summary>Element-wise closeness checks with |actual - expected| &lt;= atol + rtol * |expected|.</summary>
internal static class KernelAssert
{
    public const double ForwardTolerance = 1e-5;
    public const double BackwardTolerance = 1e-4;

    public static void Close(double[] expected, float[] actual, double tolerance, string what) =>
        Close(expected, TestData.ToDouble(actual), tolerance, tolerance, what);

    public static void Close(double[] expected, double[] actual, double tolerance, string what) =>
        Close(expected, actual, tolerance, tolerance, what);

    public static void Close(double[] expected, double[] actual, double atol, double rtol, string what)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
        {
            double e = expected[i];
            double a = actual[i];
            if (double.IsNaN(e) || double.IsInfinity(e))
            {
                Assert.True(e.Equals(a), $"{what}[{i}]: expected {e}, got {a}");
                continue;
            }

            Assert.False(double.IsNaN(a) || double.IsInfinity(a), $"{what}[{i}]: expected {e}, got {a}");
            double err = Math.Abs(a - e);
            Assert.True(err <= atol + (rtol * Math.Abs(e)), $"{what}[{i}]: expected {e}, got {a} (error {err})");
        }
    }

    /// <summary>Asserts no element is NaN or infinite.</summary>
    public static void Finite(float[] values, string what)
    {
        for (int i = 0; i < values.Length; i++)
        {
            Assert.True(float.IsFinite(values[i]), $"{what}[{i}] = {values[i]}");
        }
    }
}
