namespace Alignment.Tests.Optim;

/// <summary>The optimizers' formulas in double precision, written out independently of the library.</summary>
internal static class Reference
{
    public static double[] AdamW(float[] initial, float[][] grads, double lr, double beta1, double beta2, double eps, double weightDecay)
    {
        var p = initial.Select(v => (double)v).ToArray();
        var m = new double[p.Length];
        var v = new double[p.Length];
        for (var t = 1; t <= grads.Length; t++)
        {
            for (var i = 0; i < p.Length; i++)
            {
                double g = grads[t - 1][i];
                p[i] -= lr * weightDecay * p[i];
                m[i] = (beta1 * m[i]) + ((1 - beta1) * g);
                v[i] = (beta2 * v[i]) + ((1 - beta2) * g * g);
                var mHat = m[i] / (1 - Math.Pow(beta1, t));
                var vHat = v[i] / (1 - Math.Pow(beta2, t));
                p[i] -= lr * mHat / (Math.Sqrt(vHat) + eps);
            }
        }

        return p;
    }

    public static double[] Sgd(float[] initial, float[][] grads, double lr, double momentum, double weightDecay, bool nesterov)
    {
        var p = initial.Select(v => (double)v).ToArray();
        var b = new double[p.Length];
        for (var t = 0; t < grads.Length; t++)
        {
            for (var i = 0; i < p.Length; i++)
            {
                var d = grads[t][i] + (weightDecay * p[i]);
                if (momentum != 0)
                {
                    b[i] = t == 0 ? d : (momentum * b[i]) + d;
                    d = nesterov ? d + (momentum * b[i]) : b[i];
                }

                p[i] -= lr * d;
            }
        }

        return p;
    }

    public static float[] Values(RandomGenerator random, int count, float scale = 1f) =>
        Enumerable.Range(0, count).Select(_ => scale * random.NextNormal()).ToArray();

    public static void AssertClose(double[] expected, float[] actual, double tolerance)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (var i = 0; i < expected.Length; i++)
        {
            Assert.True(Math.Abs(expected[i] - actual[i]) <= tolerance, $"Element {i}: expected {expected[i]:G9}, got {actual[i]:G9}.");
        }
    }
}
