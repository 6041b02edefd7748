namespace Alignment.Tests.Kernels.Reference;

/// <summary>Dimensions and masking of one attention test case. Mask is null or [B, S] with 1 = real token.</summary>
internal sealed record AttentionCase(int B, int H, int Tq, int S, int D, bool Causal, int Offset, float[]? Mask)
{
    public float Scale => 1f / MathF.Sqrt(D);

    public int QueryElements => B * H * Tq * D;

    public int KeyElements => B * H * S * D;

    public int ScoreElements => B * H * Tq * S;

    public bool Visible(int b, int i, int j) =>
        (!Causal || j <= Offset + i) && (Mask is null || Mask[(b * S) + j] != 0f);

    /// <summary>A [B, S] mask where batch b has its first pad[b] positions padded (left padding).</summary>
    public static float[] LeftPadding(int s, params int[] pad)
    {
        var mask = new float[pad.Length * s];
        for (int b = 0; b < pad.Length; b++)
        {
            for (int j = pad[b]; j < s; j++)
            {
                mask[(b * s) + j] = 1f;
            }
        }

        return mask;
    }
}
