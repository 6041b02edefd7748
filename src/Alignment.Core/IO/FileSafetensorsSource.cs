using Microsoft.Win32.SafeHandles;

namespace Alignment.IO;

/// <summary>Reads a file through <see cref="RandomAccess"/> at explicit offsets (thread-safe, no shared position).</summary>
internal sealed class FileSafetensorsSource : SafetensorsSource
{
    private readonly SafeFileHandle _handle;

    public FileSafetensorsSource(string path)
    {
        _handle = File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.Read, FileOptions.RandomAccess);
        try
        {
            Length = RandomAccess.GetLength(_handle);
        }
        catch
        {
            _handle.Dispose();
            throw;
        }
    }

    public override long Length { get; }

    public override void ReadExactly(long offset, Span<byte> destination)
    {
        ObjectDisposedException.ThrowIf(_handle.IsClosed, this);
        while (!destination.IsEmpty)
        {
            int read = RandomAccess.Read(_handle, destination, offset);
            if (read <= 0)
            {
                throw Truncated(offset);
            }

            destination = destination[read..];
            offset += read;
        }
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _handle.Dispose();
        }

        base.Dispose(disposing);
    }
}
