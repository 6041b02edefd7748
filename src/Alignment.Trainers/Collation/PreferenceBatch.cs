namespace Alignment.Trainers.Collation;

/// <summary>
/// A batch of B preference pairs as one [2B, T] batch, so that a single forward pass scores both sides: rows 0 … B − 1
/// hold the chosen sequences and rows B … 2B − 1 the rejected ones, in the same pair order. Sequences are right-padded
/// to the longest one in the batch.
/// </summary>
public sealed class PreferenceBatch
{
    /// <summary>Creates a batch.</summary>
    /// <param name="inputIds">[2B, T] token ids, padding included.</param>
    /// <param name="attentionMask">[2B, T], 1 for real tokens and 0 for padding.</param>
    /// <param name="margins">[B] margins.</param>
    internal PreferenceBatch(IntTensor inputIds, IntTensor attentionMask, float[] margins)
    {
        InputIds = inputIds;
        AttentionMask = attentionMask;
        Margins = margins;
    }

    /// <summary>The number of pairs, B.</summary>
    public int PairCount => Margins.Length;

    /// <summary>The padded length, T.</summary>
    public int SequenceLength => InputIds.Size(1);

    /// <summary>Token ids [2B, T]: chosen rows first, then rejected rows.</summary>
    public IntTensor InputIds { get; }

    /// <summary>The padding mask [2B, T]: 1 for real tokens, 0 for padding.</summary>
    public IntTensor AttentionMask { get; }

    /// <summary>The margin of each pair, [B].</summary>
    public float[] Margins { get; }

    /// <summary>Whether any margin is not zero (the loss then needs them).</summary>
    public bool HasMargins => Margins.Any(m => m != 0f);
}
