namespace Alignment.IO;

/// <summary>Reads a seekable stream at offsets relative to its position when loaded; a lock serialises the seek-and-read pairs.</summary>
internal sealed class StreamSafetensorsSource : SafetensorsSource
{
    private readonly Stream _stream;
    private readonly bool _leaveOpen;
    private readonly long _origin;
    private readonly Lock _gate = new();

    public StreamSafetensorsSource(Stream stream, bool leaveOpen)
    {
        _stream = stream;
        _leaveOpen = leaveOpen;
        _origin = stream.Position;
        Length = Math.Max(0, stream.Length - _origin);
    }

    public override long Length { get; }

    public override void ReadExactly(long offset, Span<byte> destination)
    {
        lock (_gate)
        {
            _stream.Position = _origin + offset;
            while (!destination.IsEmpty)
            {
                int read = _stream.Read(destination);
                if (read <= 0)
                {
                    throw Truncated(offset);
                }

                destination = destination[read..];
                offset += read;
            }
        }
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing && !_leaveOpen)
        {
            _stream.Dispose();
        }

        base.Dispose(disposing);
    }
}
