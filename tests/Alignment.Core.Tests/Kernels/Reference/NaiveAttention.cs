namespace Alignment.Tests.Kernels.Reference;

/// <summary>Double-precision scaled dot-product attention, one (batch, head, query) at a time.</summary>
internal static class NaiveAttention
{
    public static (double[] Output, double[] Att) Forward(AttentionCase c, double[] q, double[] k, double[] v)
    {
        var output = new double[c.QueryElements];
        var att = new double[c.ScoreElements];
        for (int b = 0; b < c.B; b++)
        {
            for (int h = 0; h < c.H; h++)
            {
                int pair = (b * c.H) + h;
                for (int i = 0; i < c.Tq; i++)
                {
                    int row = (pair * c.Tq) + i;
                    double[] p = Probabilities(c, q, k, b, pair, i);
                    Array.Copy(p, 0, att, row * c.S, c.S);
                    for (int j = 0; j < c.S; j++)
                    {
                        for (int d = 0; d < c.D; d++)
                        {
                            output[(row * c.D) + d] += p[j] * v[(((pair * c.S) + j) * c.D) + d];
                        }
                    }
                }
            }
        }

        return (output, att);
    }

    public static (double[] Dq, double[] Dk, double[] Dv) Backward(AttentionCase c, double[] dOut, double[] q, double[] k, double[] v)
    {
        var dq = new double[c.QueryElements];
        var dk = new double[c.KeyElements];
        var dv = new double[c.KeyElements];
        for (int b = 0; b < c.B; b++)
        {
            for (int h = 0; h < c.H; h++)
            {
                int pair = (b * c.H) + h;
                for (int i = 0; i < c.Tq; i++)
                {
                    int row = (pair * c.Tq) + i;
                    double[] p = Probabilities(c, q, k, b, pair, i);
                    var dp = new double[c.S];
                    double mean = 0;
                    for (int j = 0; j < c.S; j++)
                    {
                        for (int d = 0; d < c.D; d++)
                        {
                            dp[j] += dOut[(row * c.D) + d] * v[(((pair * c.S) + j) * c.D) + d];
                        }

                        mean += p[j] * dp[j];
                    }

                    for (int j = 0; j < c.S; j++)
                    {
                        double ds = p[j] * (dp[j] - mean) * c.Scale;
                        int kj = ((pair * c.S) + j) * c.D;
                        for (int d = 0; d < c.D; d++)
                        {
                            dv[kj + d] += p[j] * dOut[(row * c.D) + d];
                            dq[(row * c.D) + d] += ds * k[kj + d];
                            dk[kj + d] += ds * q[(row * c.D) + d];
                        }
                    }
                }
            }
        }

        return (dq, dk, dv);
    }

    private static double[] Probabilities(AttentionCase c, double[] q, double[] k, int b, int pair, int i)
    {
        var p = new double[c.S];
        int row = (pair * c.Tq) + i;
        double max = double.NegativeInfinity;
        for (int j = 0; j < c.S; j++)
        {
            if (!c.Visible(b, i, j))
            {
                p[j] = double.NegativeInfinity;
                continue;
            }

            double s = 0;
            for (int d = 0; d < c.D; d++)
            {
                s += q[(row * c.D) + d] * k[(((pair * c.S) + j) * c.D) + d];
            }

            p[j] = s * c.Scale;
            max = Math.Max(max, p[j]);
        }

        if (double.IsNegativeInfinity(max))
        {
            return new double[c.S];
        }

        double sum = 0;
        for (int j = 0; j < c.S; j++)
        {
            p[j] = Math.Exp(p[j] - max);
            sum += p[j];
        }

        for (int j = 0; j < c.S; j++)
        {
            p[j] /= sum;
        }

        return p;
    }
}
