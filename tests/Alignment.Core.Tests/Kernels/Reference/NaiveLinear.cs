namespace Alignment.Tests.Kernels.Reference;

/// <summary>The gradients of y = x·Wᵀ + b (or x·W + b for a weight stored [in, out]) summed over output gradients, in double precision.</summary>
internal static class NaiveLinear
{
    /// <summary>
    /// dx [rows, in], dW (the weight's layout) and db [out] for x [rows, in], the weight ws ([out, in], or [in, out]
    /// when <paramref name="weightIsInOut"/>) and each output gradient [rows, out] in <paramref name="gradients"/>.
    /// </summary>
    public static (double[] Dx, double[] Dw, double[] Db) Gradients(float[] xs, float[] ws, float[][] gradients, int rows, int inFeatures, int outFeatures, bool weightIsInOut)
    {
        var dx = new double[rows * inFeatures];
        var dw = new double[inFeatures * outFeatures];
        var db = new double[outFeatures];
        foreach (float[] g in gradients)
        {
            for (int r = 0; r < rows; r++)
            {
                for (int o = 0; o < outFeatures; o++)
                {
                    double go = g[(r * outFeatures) + o];
                    db[o] += go;
                    for (int i = 0; i < inFeatures; i++)
                    {
                        int wi = weightIsInOut ? (i * outFeatures) + o : (o * inFeatures) + i;
                        dx[(r * inFeatures) + i] += go * ws[wi];
                        dw[wi] += go * xs[(r * inFeatures) + i];
                    }
                }
            }
        }

        return (dx, dw, db);
    }
}
