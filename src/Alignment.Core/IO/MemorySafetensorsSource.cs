namespace Alignment.IO;

/// <summary>Serves bytes from memory (not copied: the caller must not change them while the file is in use).</summary>
internal sealed class MemorySafetensorsSource(ReadOnlyMemory<byte> bytes) : SafetensorsSource
{
    public override long Length => bytes.Length;

    public override void ReadExactly(long offset, Span<byte> destination)
    {
        if (offset < 0 || offset > bytes.Length - destination.Length)
        {
            throw Truncated(offset);
        }

        bytes.Span.Slice((int)offset, destination.Length).CopyTo(destination);
    }
}
