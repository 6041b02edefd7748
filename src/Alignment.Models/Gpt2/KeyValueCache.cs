namespace Alignment.Models.Gpt2;

/// <summary>
/// Per-layer key and value buffers for incremental decoding: [B, H, capacity, D] each, filled from
/// position 0. A forward pass with a cache appends its keys and values at <see cref="Length"/> and
/// attends over everything cached so far.
/// </summary>
public sealed class KeyValueCache
{
    private readonly float[][] _keys;
    private readonly float[][] _values;

    /// <summary>Allocates an empty cache.</summary>
    /// <param name="layers">Number of layers.</param>
    /// <param name="batch">Batch size.</param>
    /// <param name="heads">Heads per layer.</param>
    /// <param name="capacity">Maximum number of positions.</param>
    /// <param name="headSize">Size of one head.</param>
    public KeyValueCache(int layers, int batch, int heads, int capacity, int headSize)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(layers, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(batch, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        (LayerCount, Batch, Heads, Capacity, HeadSize) = (layers, batch, heads, capacity, headSize);
        _keys = new float[layers][];
        _values = new float[layers][];
        for (var l = 0; l < layers; l++)
        {
            _keys[l] = new float[batch * heads * capacity * headSize];
            _values[l] = new float[batch * heads * capacity * headSize];
        }
    }

    /// <summary>Number of layers.</summary>
    public int LayerCount { get; }

    /// <summary>Batch size.</summary>
    public int Batch { get; }

    /// <summary>Heads per layer.</summary>
    public int Heads { get; }

    /// <summary>Maximum number of cached positions.</summary>
    public int Capacity { get; }

    /// <summary>Size of one head.</summary>
    public int HeadSize { get; }

    /// <summary>Number of positions cached so far.</summary>
    public int Length { get; private set; }

    /// <summary>Forgets every cached position.</summary>
    public void Reset() => Length = 0;

    /// <summary>The key buffer of a layer, [B, H, capacity, D].</summary>
    internal float[] Keys(int layer) => _keys[layer];

    /// <summary>The value buffer of a layer, [B, H, capacity, D].</summary>
    internal float[] Values(int layer) => _values[layer];

    /// <summary>
    /// Writes <paramref name="count"/> new positions of one layer: key and value [B, H, count, D] go to
    /// positions <see cref="Length"/> … Length + count − 1 (the length advances through <see cref="Advance"/>).
    /// </summary>
    internal void Update(int layer, ReadOnlySpan<float> key, ReadOnlySpan<float> value, int count)
    {
        if (Length + count > Capacity)
        {
            throw new InvalidOperationException($"The key/value cache holds {Capacity} positions; {Length} are used and {count} more were written.");
        }

        var block = count * HeadSize;
        for (var bh = 0; bh < Batch * Heads; bh++)
        {
            var dst = ((bh * Capacity) + Length) * HeadSize;
            key.Slice(bh * block, block).CopyTo(_keys[layer].AsSpan(dst, block));
            value.Slice(bh * block, block).CopyTo(_values[layer].AsSpan(dst, block));
        }
    }

    /// <summary>Marks <paramref name="count"/> more positions as cached (after every layer wrote them).</summary>
    internal void Advance(int count) => Length += count;
}
