using System.Buffers;

namespace Alignment.Models.Tests.Testing;

/// <summary>Float memory whose content cannot be read: a tensor backed by it fails while its data is being written.</summary>
internal sealed class ThrowingMemory : MemoryManager<float>
{
    private readonly int _length;

    public ThrowingMemory(int length)
    {
        _length = length;
    }

    /// <summary>A memory of the given length over this manager (creating it does not touch the content).</summary>
    public Memory<float> AsMemory() => CreateMemory(_length);

    public override Span<float> GetSpan() => throw new IOException("Simulated failure while writing tensor data (disk full).");

    public override MemoryHandle Pin(int elementIndex = 0) => throw new NotSupportedException();

    public override void Unpin()
    {
    }

    protected override void Dispose(bool disposing)
    {
    }
}
