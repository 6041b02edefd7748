namespace Alignment.Tests.Kernels.Reference;

/// <summary>Straightforward double-precision softmax family, row by row.</summary>
internal static class NaiveSoftmax
{
    public static double RowLogSumExp(double[] x, int offset, int cols)
    {
        double max = double.NegativeInfinity;
        for (int c = 0; c < cols; c++)
        {
            max = Math.Max(max, x[offset + c]);
        }

        if (double.IsNegativeInfinity(max))
        {
            return double.NegativeInfinity;
        }

        double sum = 0;
        for (int c = 0; c < cols; c++)
        {
            sum += Math.Exp(x[offset + c] - max);
        }

        return max + Math.Log(sum);
    }

    public static double[] Softmax(double[] x, int rows, int cols)
    {
        var y = new double[rows * cols];
        for (int r = 0; r < rows; r++)
        {
            double lse = RowLogSumExp(x, r * cols, cols);
            for (int c = 0; c < cols; c++)
            {
                y[(r * cols) + c] = double.IsNegativeInfinity(lse) ? 0 : Math.Exp(x[(r * cols) + c] - lse);
            }
        }

        return y;
    }

    public static double[] SoftmaxBackward(double[] y, double[] dy, int rows, int cols)
    {
        var dx = new double[rows * cols];
        for (int r = 0; r < rows; r++)
        {
            double dot = 0;
            for (int c = 0; c < cols; c++)
            {
                dot += dy[(r * cols) + c] * y[(r * cols) + c];
            }

            for (int c = 0; c < cols; c++)
            {
                int i = (r * cols) + c;
                dx[i] = y[i] * (dy[i] - dot);
            }
        }

        return dx;
    }

    public static double[] LogSoftmax(double[] x, int rows, int cols)
    {
        var y = new double[rows * cols];
        for (int r = 0; r < rows; r++)
        {
            double lse = RowLogSumExp(x, r * cols, cols);
            for (int c = 0; c < cols; c++)
            {
                y[(r * cols) + c] = double.IsNegativeInfinity(lse) ? double.NegativeInfinity : x[(r * cols) + c] - lse;
            }
        }

        return y;
    }

    public static double[] LogSoftmaxBackward(double[] y, double[] dy, int rows, int cols)
    {
        var dx = new double[rows * cols];
        for (int r = 0; r < rows; r++)
        {
            double sum = 0;
            for (int c = 0; c < cols; c++)
            {
                sum += dy[(r * cols) + c];
            }

            for (int c = 0; c < cols; c++)
            {
                int i = (r * cols) + c;
                dx[i] = dy[i] - (Math.Exp(y[i]) * sum);
            }
        }

        return dx;
    }

    public static double[] LogSumExp(double[] x, int rows, int cols)
    {
        var lse = new double[rows];
        for (int r = 0; r < rows; r++)
        {
            lse[r] = RowLogSumExp(x, r * cols, cols);
        }

        return lse;
    }

    public static double[] LogSumExpBackward(double[] x, double[] dlse, int rows, int cols)
    {
        double[] lse = LogSumExp(x, rows, cols);
        var dx = new double[rows * cols];
        for (int r = 0; r < rows; r++)
        {
            if (double.IsNegativeInfinity(lse[r]))
            {
                continue;
            }

            for (int c = 0; c < cols; c++)
            {
                int i = (r * cols) + c;
                dx[i] = dlse[r] * Math.Exp(x[i] - lse[r]);
            }
        }

        return dx;
    }
}
