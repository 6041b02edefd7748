namespace Alignment.Kernels;

/// <summary>
/// A pointer + length over memory that the caller keeps pinned (inside a <c>fixed</c> block) for the
/// lifetime of this value. It lets parallel workers re-create spans, which lambdas cannot capture.
/// </summary>
internal readonly unsafe struct PinnedBuffer<T>
    where T : unmanaged
{
    private readonly T* _pointer;
    private readonly int _length;

    public PinnedBuffer(T* pointer, int length)
    {
        _pointer = pointer;
        _length = length;
    }

    /// <summary>The whole buffer as a writable span.</summary>
    public Span<T> Span => new(_pointer, _length);

    /// <summary>The whole buffer as a read-only span.</summary>
    public ReadOnlySpan<T> ReadOnlySpan => new(_pointer, _length);

    /// <summary>A bounds-checked writable view of <paramref name="length"/> elements at <paramref name="start"/>.</summary>
    public Span<T> Slice(int start, int length)
    {
        if ((uint)start > (uint)_length || (uint)length > (uint)(_length - start))
        {
            throw new ArgumentOutOfRangeException(nameof(start));
        }

        return new Span<T>(_pointer + start, length);
    }

    /// <summary>A bounds-checked read-only view of <paramref name="length"/> elements at <paramref name="start"/>.</summary>
    public ReadOnlySpan<T> ReadOnlySlice(int start, int length) => Slice(start, length);
}
