namespace Alignment.Tests.Kernels.Reference;

/// <summary>Rows of extreme logits: ±1000, all -inf, partially -inf, constant rows.</summary>
internal static class ExtremeRows
{
    public const int Rows = 7;

    /// <summary>[Rows, cols] logits; row 1 is all -inf.</summary>
    public static float[] Create(int cols, int seed)
    {
        var rng = new Random(seed);
        var x = new float[Rows * cols];
        float[] noise = TestData.Normal(rng, cols, 100);
        for (int c = 0; c < cols; c++)
        {
            x[c] = c % 2 == 0 ? 1000f : -1000f;
            x[cols + c] = float.NegativeInfinity;
            x[(2 * cols) + c] = c % 3 == 0 ? float.NegativeInfinity : noise[c] / 100f;
            x[(3 * cols) + c] = 1000f;
            x[(4 * cols) + c] = -1000f;
            x[(5 * cols) + c] = noise[c];
            x[(6 * cols) + c] = c == cols / 2 ? 1000f : -1000f + c;
        }

        return x;
    }
}
