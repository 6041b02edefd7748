namespace Alignment.Tests.Kernels.Reference;

/// <summary>
/// Conversions between the split layout of the attention references, [B, H, T, D], and the layouts the fused kernels
/// read and write: heads side by side at every position, [B, T, H, D], and the fused projection [B, T, 3, H, D].
/// </summary>
internal static class AttentionLayouts
{
    // q, k, v: [B, H, Tq, D] → [B, Tq, 3, H, D]
    public static float[] Pack(AttentionCase c, float[] q, float[] k, float[] v)
    {
        int width = c.H * c.D;
        var packed = new float[3 * c.QueryElements];
        for (int b = 0; b < c.B; b++)
        {
            for (int h = 0; h < c.H; h++)
            {
                for (int t = 0; t < c.Tq; t++)
                {
                    int src = (((b * c.H) + h) * c.Tq + t) * c.D;
                    int dst = (((b * c.Tq) + t) * 3 * width) + (h * c.D);
                    Array.Copy(q, src, packed, dst, c.D);
                    Array.Copy(k, src, packed, dst + width, c.D);
                    Array.Copy(v, src, packed, dst + (2 * width), c.D);
                }
            }
        }

        return packed;
    }

    // [B, H, T, D] → [B, T, H, D] for the first `count` positions of each row (the others stay 0), T = `length`.
    public static float[] Merge(AttentionCase c, float[] x, int length, int count)
    {
        var merged = new float[x.Length];
        for (int b = 0; b < c.B; b++)
        {
            for (int h = 0; h < c.H; h++)
            {
                for (int t = 0; t < count; t++)
                {
                    Array.Copy(x, (((b * c.H) + h) * length + t) * c.D, merged, (((b * length) + t) * c.H + h) * c.D, c.D);
                }
            }
        }

        return merged;
    }

    // [B, Tq, H, D] → [B, H, Tq, D]
    public static float[] Split(AttentionCase c, float[] x)
    {
        var split = new float[x.Length];
        for (int b = 0; b < c.B; b++)
        {
            for (int h = 0; h < c.H; h++)
            {
                for (int t = 0; t < c.Tq; t++)
                {
                    Array.Copy(x, (((b * c.Tq) + t) * c.H + h) * c.D, split, (((b * c.H) + h) * c.Tq + t) * c.D, c.D);
                }
            }
        }

        return split;
    }
}
