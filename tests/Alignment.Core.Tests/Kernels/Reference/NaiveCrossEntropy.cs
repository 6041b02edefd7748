namespace Alignment.Tests.Kernels.Reference;

/// <summary>Double-precision cross-entropy, selective log-softmax and entropy references.</summary>
internal static class NaiveCrossEntropy
{
    public static (double[] Losses, double[] Lse, int Count) Forward(double[] logits, int[] targets, int rows, int vocab, int ignoreIndex)
    {
        var losses = new double[rows];
        double[] lse = NaiveSoftmax.LogSumExp(logits, rows, vocab);
        int count = 0;
        for (int r = 0; r < rows; r++)
        {
            if (targets[r] == ignoreIndex)
            {
                continue;
            }

            losses[r] = lse[r] - logits[(r * vocab) + targets[r]];
            count++;
        }

        return (losses, lse, count);
    }

    public static double[] Backward(double[] logits, int[] targets, double[] dloss, int rows, int vocab, int ignoreIndex)
    {
        double[] p = NaiveSoftmax.Softmax(logits, rows, vocab);
        var d = new double[rows * vocab];
        for (int r = 0; r < rows; r++)
        {
            if (targets[r] == ignoreIndex)
            {
                continue;
            }

            for (int c = 0; c < vocab; c++)
            {
                double onehot = c == targets[r] ? 1 : 0;
                d[(r * vocab) + c] = dloss[r] * (p[(r * vocab) + c] - onehot);
            }
        }

        return d;
    }

    public static (double[] Logp, double[] Lse) Selective(double[] logits, int[] labels, int rows, int vocab)
    {
        double[] lse = NaiveSoftmax.LogSumExp(logits, rows, vocab);
        var logp = new double[rows];
        for (int r = 0; r < rows; r++)
        {
            logp[r] = logits[(r * vocab) + labels[r]] - lse[r];
        }

        return (logp, lse);
    }

    public static double[] SelectiveBackward(double[] logits, int[] labels, double[] dlogp, int rows, int vocab)
    {
        double[] p = NaiveSoftmax.Softmax(logits, rows, vocab);
        var d = new double[rows * vocab];
        for (int r = 0; r < rows; r++)
        {
            for (int c = 0; c < vocab; c++)
            {
                double onehot = c == labels[r] ? 1 : 0;
                d[(r * vocab) + c] = dlogp[r] * (onehot - p[(r * vocab) + c]);
            }
        }

        return d;
    }

    public static double[] Entropy(double[] logits, int rows, int vocab)
    {
        double[] p = NaiveSoftmax.Softmax(logits, rows, vocab);
        var h = new double[rows];
        for (int r = 0; r < rows; r++)
        {
            double s = 0;
            for (int c = 0; c < vocab; c++)
            {
                double pc = p[(r * vocab) + c];
                if (pc > 0)
                {
                    s -= pc * Math.Log(pc);
                }
            }

            h[r] = s;
        }

        return h;
    }
}
