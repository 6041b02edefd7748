namespace Alignment.Tests.Kernels.Reference;

/// <summary>Double-precision tanh-approximation GELU, written directly from its formula.</summary>
internal static class NaiveGelu
{
    private static readonly double C = Math.Sqrt(2.0 / Math.PI);

    public static double[] Forward(double[] x) =>
        Array.ConvertAll(x, v => 0.5 * v * (1 + Math.Tanh(C * (v + (0.044715 * v * v * v)))));

    public static double[] Backward(double[] x, double[] dy)
    {
        var dx = new double[x.Length];
        for (int i = 0; i < x.Length; i++)
        {
            double v = x[i];
            double t = Math.Tanh(C * (v + (0.044715 * v * v * v)));
            double du = C * (1 + (3 * 0.044715 * v * v));
            dx[i] = dy[i] * ((0.5 * (1 + t)) + (0.5 * v * (1 - (t * t)) * du));
        }

        return dx;
    }
}
