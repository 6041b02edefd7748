namespace Alignment.Models.Gpt2;

/// <summary>
/// Per-layer key and value buffers for incremental decoding: [B, capacity, H·D] each (every position holds its heads side
/// by side, as the fused q/k/v projection writes them, so a query reads one sequential stream of keys and one of values),
/// filled from position 0. A forward pass with a cache appends its keys and values at <see cref="Length"/> and
/// attends over everything cached so far. A cache fits one model and batch: using it with another layer count, batch
/// size, head count or head size throws <see cref="ArgumentException"/>.
/// The key and value buffers come from the tensor pool (cleared); <see cref="Dispose"/> gives them back, so the next cache
/// of the same size (the next generation call) reuses them instead of faulting in fresh memory. A cache that is never
/// disposed is reclaimed by the garbage collector as usual.
/// </summary>
public sealed class KeyValueCache : IDisposable
{
    private readonly float[][] _keys;
    private readonly float[][] _values;
    private readonly float[] _keyMask; // [B, capacity]
    private readonly int _bufferLength;
    private bool _disposed;

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
        ArgumentOutOfRangeException.ThrowIfLessThan(heads, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(headSize, 1);
        (LayerCount, Batch, Heads, Capacity, HeadSize) = (layers, batch, heads, capacity, headSize);
        _keyMask = new float[batch * capacity];
        KeyMask = new Tensor(TensorStorage.Wrap(_keyMask), [batch, capacity]);
        _keys = new float[layers][];
        _values = new float[layers][];
        _bufferLength = checked(batch * heads * capacity * headSize);
        for (var l = 0; l < layers; l++)
        {
            _keys[l] = TensorPool.Rent(_bufferLength, zero: true);
            _values[l] = TensorPool.Rent(_bufferLength, zero: true);
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

    /// <summary>
    /// The float key mask of the current forward pass, [B, capacity]: 1 for real keys, 0 for padding and for positions
    /// not cached yet. Filled once per pass (<see cref="PrepareKeyMask(IntTensor, int)"/>) and read by every layer, so decoding
    /// allocates no mask per layer or step.
    /// </summary>
    internal Tensor KeyMask { get; }

    /// <summary>Forgets every cached position.</summary>
    public void Reset() => Length = 0;

    /// <summary>The key buffer of a layer, [B, capacity, H·D].</summary>
    internal Span<float> Keys(int layer)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        return _keys[layer].AsSpan(0, _bufferLength);
    }

    /// <summary>The value buffer of a layer, [B, capacity, H·D].</summary>
    internal Span<float> Values(int layer)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        return _values[layer].AsSpan(0, _bufferLength);
    }

    /// <summary>
    /// Gives the key and value buffers back to the tensor pool. The cache cannot be used afterwards (its methods throw
    /// <see cref="ObjectDisposedException"/>); disposing twice does nothing.
    /// </summary>
    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        for (var l = 0; l < LayerCount; l++)
        {
            TensorPool.Return(_keys[l]);
            TensorPool.Return(_values[l]);
            _keys[l] = [];
            _values[l] = [];
        }
    }

    /// <summary>
    /// Writes <paramref name="count"/> new positions of one layer from the fused projection [B, count, 3C] (q, k, v side
    /// by side): k and v go to positions <see cref="Length"/> … Length + count − 1 of the [B, capacity, C] buffers.
    /// </summary>
    internal void Update(int layer, ReadOnlySpan<float> qkv, int count)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (Length + count > Capacity)
        {
            throw new InvalidOperationException($"The key/value cache holds {Capacity} positions; {Length} are used and {count} more were written.");
        }

        int c = Heads * HeadSize;
        if (qkv.Length != (long)Batch * count * 3 * c)
        {
            throw new ArgumentException($"The projection holds {qkv.Length} values; [{Batch}, {count}, {3 * c}] needs {(long)Batch * count * 3 * c}.", nameof(qkv));
        }

        for (var b = 0; b < Batch; b++)
        {
            for (var i = 0; i < count; i++)
            {
                var src = ((b * count) + i) * 3 * c;
                var dst = ((b * Capacity) + Length + i) * c;
                qkv.Slice(src + c, c).CopyTo(_keys[layer].AsSpan(dst, c));
                qkv.Slice(src + (2 * c), c).CopyTo(_values[layer].AsSpan(dst, c));
            }
        }
    }

    /// <summary>
    /// Throws <see cref="ArgumentException"/> naming both shapes unless the cache has <paramref name="layers"/> layers
    /// (when given), <paramref name="batch"/> rows, <paramref name="heads"/> heads of <paramref name="headSize"/>.
    /// </summary>
    internal void EnsureFits(int? layers, int batch, int heads, int headSize, string paramName)
    {
        if ((layers is { } l && l != LayerCount) || batch != Batch || heads != Heads || headSize != HeadSize)
        {
            throw new ArgumentException(
                $"The key/value cache has {Describe(layers is null ? null : LayerCount, Batch, Heads, HeadSize)} but is used with " +
                $"{Describe(layers, batch, heads, headSize)}; create the cache for this model and batch (Gpt2LanguageModel.CreateCache).",
                paramName);
        }
    }

    /// <summary>
    /// Fills <see cref="KeyMask"/> for a pass that adds <paramref name="count"/> positions: row r, position j &lt;
    /// <see cref="Length"/> + count, is <paramref name="attentionMask"/>[r, j] (1 = real); later positions are 0.
    /// </summary>
    /// <param name="attentionMask">[B, Length + count] integer mask.</param>
    /// <param name="count">The positions this pass adds.</param>
    /// <returns><see cref="KeyMask"/>.</returns>
    internal Tensor PrepareKeyMask(IntTensor attentionMask, int count)
    {
        var width = Length + count;
        var given = attentionMask.Data; // [B, width]
        for (var r = 0; r < Batch; r++)
        {
            var row = _keyMask.AsSpan(r * Capacity, Capacity);
            for (var j = 0; j < width; j++)
            {
                row[j] = given[(r * width) + j];
            }

            row[width..].Clear();
        }

        return KeyMask;
    }

    /// <summary>
    /// Fills <see cref="KeyMask"/> from a float mask [B, Length + count] (a caller of the attention layer's Forward that
    /// did not go through the model), without allocating when the mask is contiguous.
    /// </summary>
    internal ReadOnlySpan<float> PrepareKeyMask(Tensor keyMask, int count)
    {
        var width = Length + count;
        ReadOnlySpan<float> given = keyMask.IsContiguous ? keyMask.Span : keyMask.ToArray(); // [B, width]
        for (var r = 0; r < Batch; r++)
        {
            var row = _keyMask.AsSpan(r * Capacity, Capacity);
            given.Slice(r * width, width).CopyTo(row);
            row[width..].Clear();
        }

        return _keyMask;
    }

    /// <summary>Marks <paramref name="count"/> more positions as cached (after every layer wrote them).</summary>
    internal void Advance(int count) => Length += count;

    private static string Describe(int? layers, int batch, int heads, int headSize) =>
        (layers is { } l ? $"{l} layers, " : string.Empty) + $"batch {batch}, {heads} heads of size {headSize}";
}
