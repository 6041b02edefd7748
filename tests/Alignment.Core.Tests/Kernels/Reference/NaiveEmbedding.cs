namespace Alignment.Tests.Kernels.Reference;

/// <summary>Double-precision embedding lookup and scatter-add.</summary>
internal static class NaiveEmbedding
{
    public static double[] Forward(int[] ids, double[] table, int dim)
    {
        var y = new double[ids.Length * dim];
        for (int i = 0; i < ids.Length; i++)
        {
            for (int c = 0; c < dim; c++)
            {
                y[(i * dim) + c] = table[(ids[i] * dim) + c];
            }
        }

        return y;
    }

    public static double[] Backward(int[] ids, double[] doutput, int vocab, int dim)
    {
        var d = new double[vocab * dim];
        for (int i = 0; i < ids.Length; i++)
        {
            for (int c = 0; c < dim; c++)
            {
                d[(ids[i] * dim) + c] += doutput[(i * dim) + c];
            }
        }

        return d;
    }
}
