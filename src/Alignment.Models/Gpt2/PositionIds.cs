namespace Alignment.Models.Gpt2;

/// <summary>Position ids from an attention mask, the way Hugging Face generation derives them.</summary>
public static class PositionIds
{
    /// <summary>
    /// For each row, cumsum(mask) − 1 clamped at 0, keeping the last <paramref name="length"/> columns; without a mask,
    /// <paramref name="past"/> … past + length − 1.
    /// </summary>
    /// <param name="attentionMask">[B, past + length] with 1 for real tokens, or null.</param>
    /// <param name="batch">B.</param>
    /// <param name="length">Number of new positions.</param>
    /// <param name="past">Number of already cached positions.</param>
    /// <returns>[B, length].</returns>
    public static IntTensor FromMask(IntTensor? attentionMask, int batch, int length, int past)
    {
        var result = new IntTensor(batch, length);
        for (var r = 0; r < batch; r++)
        {
            if (attentionMask is null)
            {
                for (var j = 0; j < length; j++)
                {
                    result.Data[(r * length) + j] = past + j;
                }

                continue;
            }

            var width = attentionMask.Size(1);
            var sum = 0;
            for (var j = 0; j < width; j++)
            {
                sum += attentionMask.Data[(r * width) + j];
                if (j >= width - length)
                {
                    result.Data[(r * length) + j - (width - length)] = Math.Max(sum - 1, 0);
                }
            }
        }

        return result;
    }
}
