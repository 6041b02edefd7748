namespace Alignment.Kernels;

/// <summary>Validated dimensions of a scaled dot-product attention call.</summary>
internal readonly record struct AttentionShape(int Batch, int Heads, int QueryLength, int KeyLength, int HeadDim)
{
    /// <summary>Number of (batch, head) pairs.</summary>
    public int Pairs => Batch * Heads;

    /// <summary>Number of query rows over all pairs.</summary>
    public int QueryRows => Batch * Heads * QueryLength;

    /// <summary>Elements of a [B, H, Tq, D] buffer.</summary>
    public long QueryElements => KernelGuard.Product(Batch, Heads, QueryLength, HeadDim);

    /// <summary>Elements of a [B, H, S, D] buffer.</summary>
    public long KeyElements => KernelGuard.Product(Batch, Heads, KeyLength, HeadDim);

    /// <summary>Elements of a [B, H, Tq, S] buffer.</summary>
    public long ScoreElements => KernelGuard.Product(Batch, Heads, QueryLength, KeyLength);

    /// <summary>Multiply-adds of one pass (QK^T or PV), used to decide on threading.</summary>
    public long Work => ScoreElements * Math.Max(1, HeadDim);

    /// <summary>Validates that every dimension is non-negative and the products fit a span.</summary>
    public static AttentionShape Create(int batch, int heads, int queryLength, int keyLength, int headDim)
    {
        KernelGuard.NonNegative(batch, nameof(batch));
        KernelGuard.NonNegative(heads, nameof(heads));
        KernelGuard.NonNegative(queryLength, nameof(queryLength));
        KernelGuard.NonNegative(keyLength, nameof(keyLength));
        KernelGuard.NonNegative(headDim, nameof(headDim));
        var shape = new AttentionShape(batch, heads, queryLength, keyLength, headDim);
        _ = shape.QueryElements;
        _ = shape.KeyElements;
        _ = shape.ScoreElements;
        return shape;
    }
}
