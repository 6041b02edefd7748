namespace Alignment;

/// <summary>A scratch float buffer rented from the tensor pool and returned on dispose.</summary>
internal readonly struct PooledBuffer : IDisposable
{
    private readonly float[] _array;
    private readonly int _length;

    public PooledBuffer(int length, bool zero)
    {
        _array = TensorPool.Rent(length, zero);
        _length = length;
    }

    public Span<float> Span => _array is null ? [] : _array.AsSpan(0, _length);

    public void Dispose()
    {
        if (_array is not null)
        {
            TensorPool.Return(_array);
        }
    }
}
