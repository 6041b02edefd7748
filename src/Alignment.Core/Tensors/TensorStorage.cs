namespace Alignment;

/// <summary>
/// The flat float32 buffer behind one or more tensors (a tensor and its views share one storage).
/// Storage allocated inside a <see cref="TensorScope"/> is returned to the pool when the scope ends.
/// </summary>
internal sealed class TensorStorage
{
    private float[]? _data;

    private TensorStorage(float[] data, int length)
    {
        _data = data;
        Length = length;
    }

    /// <summary>The number of valid elements (the pooled array may be longer).</summary>
    public int Length { get; }

    /// <summary>The scope that returns this storage to the pool, or null when the GC owns it.</summary>
    public TensorScope? Owner { get; set; }

    /// <summary>True once the storage has gone back to the pool; any further use is a bug.</summary>
    public bool IsReleased => _data is null;

    /// <summary>The underlying array.</summary>
    public float[] Data => _data ?? ThrowReleased();

    /// <summary>Allocates storage of <paramref name="length"/> elements, registered with the current scope if any.</summary>
    public static TensorStorage Allocate(int length, bool zero)
    {
        var storage = new TensorStorage(TensorPool.Rent(length, zero), length);
        var scope = TensorScope.Current;
        if (scope is not null)
        {
            storage.Owner = scope;
            scope.Register(storage);
        }

        return storage;
    }

    /// <summary>Allocates storage that no scope owns (parameters, gradients of leaves, optimizer state).</summary>
    public static TensorStorage AllocateUnscoped(int length, bool zero) => new(TensorPool.Rent(length, zero), length);

    /// <summary>Wraps a caller's array without copying; it is never returned to the pool.</summary>
    public static TensorStorage Wrap(float[] data) => new(data, data.Length);

    /// <summary>Returns the array to the pool (once). Views of this storage become unusable.</summary>
    public void Release()
    {
        var data = _data;
        if (data is null)
        {
            return;
        }

        _data = null;
        Owner = null;
        TensorPool.Return(data);
    }

    private static float[] ThrowReleased() =>
        throw new ObjectDisposedException(nameof(Tensor), "The tensor's storage was returned to the pool when its TensorScope ended. Keep tensors beyond a scope with Tensor.MoveToOuterScope().");
}
