namespace Alignment.IO;

/// <summary>Random-access, read-only bytes of a safetensors file. Implementations must be safe for concurrent reads.</summary>
internal abstract class SafetensorsSource : IDisposable
{
    /// <summary>Total length in bytes.</summary>
    public abstract long Length { get; }

    /// <summary>Fills <paramref name="destination"/> with the bytes starting at <paramref name="offset"/>.
    /// Callers only ask for ranges inside [0, <see cref="Length"/>); a source that turns out shorter (a file
    /// truncated after it was opened) throws <see cref="SafetensorsFormatException"/>.</summary>
    public abstract void ReadExactly(long offset, Span<byte> destination);

    /// <inheritdoc/>
    public void Dispose()
    {
        Dispose(true);
        GC.SuppressFinalize(this);
    }

    /// <summary>Releases resources held by the source.</summary>
    protected virtual void Dispose(bool disposing)
    {
    }

    /// <summary>The error for a source that ended before a range that was inside its length when opened.</summary>
    protected static SafetensorsFormatException Truncated(long offset) =>
        new($"The safetensors data ended unexpectedly at byte {offset}; the file was truncated or changed after it was opened.");
}
