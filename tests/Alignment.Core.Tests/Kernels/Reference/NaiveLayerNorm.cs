namespace Alignment.Tests.Kernels.Reference;

/// <summary>Double-precision layer norm with biased variance.</summary>
internal static class NaiveLayerNorm
{
    public static (double[] Y, double[] Mean, double[] Rstd) Forward(double[] x, double[] gamma, double[] beta, int rows, int cols, double eps)
    {
        var y = new double[rows * cols];
        var mean = new double[rows];
        var rstd = new double[rows];
        for (int r = 0; r < rows; r++)
        {
            double m = 0;
            for (int c = 0; c < cols; c++)
            {
                m += x[(r * cols) + c];
            }

            m /= cols;
            double v = 0;
            for (int c = 0; c < cols; c++)
            {
                double d = x[(r * cols) + c] - m;
                v += d * d;
            }

            v /= cols;
            double rs = 1.0 / Math.Sqrt(v + eps);
            mean[r] = m;
            rstd[r] = rs;
            for (int c = 0; c < cols; c++)
            {
                y[(r * cols) + c] = ((x[(r * cols) + c] - m) * rs * gamma[c]) + beta[c];
            }
        }

        return (y, mean, rstd);
    }

    public static (double[] Dx, double[] Dgamma, double[] Dbeta) Backward(double[] dy, double[] x, double[] gamma, int rows, int cols, double eps)
    {
        (_, double[] mean, double[] rstd) = Forward(x, gamma, new double[cols], rows, cols, eps);
        var dx = new double[rows * cols];
        var dgamma = new double[cols];
        var dbeta = new double[cols];
        for (int r = 0; r < rows; r++)
        {
            double m1 = 0, m2 = 0;
            for (int c = 0; c < cols; c++)
            {
                int i = (r * cols) + c;
                double xhat = (x[i] - mean[r]) * rstd[r];
                double dn = dy[i] * gamma[c];
                m1 += dn;
                m2 += dn * xhat;
                dgamma[c] += dy[i] * xhat;
                dbeta[c] += dy[i];
            }

            m1 /= cols;
            m2 /= cols;
            for (int c = 0; c < cols; c++)
            {
                int i = (r * cols) + c;
                double xhat = (x[i] - mean[r]) * rstd[r];
                dx[i] = ((dy[i] * gamma[c]) - m1 - (xhat * m2)) * rstd[r];
            }
        }

        return (dx, dgamma, dbeta);
    }
}
