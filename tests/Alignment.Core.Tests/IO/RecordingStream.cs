namespace Alignment.Tests.IO;

/// <summary>
/// A read-only seekable stream over a byte array (or a long run of zeros after it, to fake a huge file)
/// that records the furthest byte any read asked for, so tests can prove what was and was not read.
/// </summary>
internal sealed class RecordingStream(byte[] prefix, long length) : Stream
{
    private long _position;

    public RecordingStream(byte[] bytes)
        : this(bytes, bytes.Length)
    {
    }

    /// <summary>One past the furthest byte that any read requested; 0 when nothing was read.</summary>
    public long FurthestRead { get; private set; }

    public override bool CanRead => true;

    public override bool CanSeek => true;

    public override bool CanWrite => false;

    public override long Length => length;

    public override long Position
    {
        get => _position;
        set => _position = value;
    }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        int count = (int)Math.Clamp(length - _position, 0, buffer.Length);
        if (count > 0)
        {
            FurthestRead = Math.Max(FurthestRead, _position + count);
        }

        for (int i = 0; i < count; i++)
        {
            long at = _position + i;
            buffer[i] = at < prefix.Length ? prefix[at] : (byte)0;
        }

        _position += count;
        return count;
    }

    public override long Seek(long offset, SeekOrigin origin) => _position = origin switch
    {
        SeekOrigin.Begin => offset,
        SeekOrigin.Current => _position + offset,
        _ => length + offset,
    };

    public override void Flush()
    {
    }

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}
