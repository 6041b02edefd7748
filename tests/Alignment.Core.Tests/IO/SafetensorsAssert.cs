using Alignment.IO;

namespace Alignment.Tests.IO;

/// <summary>Assertions shared by the validation tests.</summary>
internal static class SafetensorsAssert
{
    /// <summary>
    /// Asserts that <paramref name="file"/> is rejected with a <see cref="SafetensorsFormatException"/> whose message
    /// contains every fragment (and names <paramref name="tensor"/> when given), both from memory and from a stream,
    /// and that the stream was never read past the header (or past the length prefix when the header length is bad).
    /// </summary>
    public static SafetensorsFormatException Rejected(byte[] file, string? tensor, params string[] fragments)
    {
        var fromMemory = Assert.Throws<SafetensorsFormatException>(() => SafetensorsFile.Load(file));

        using var stream = new RecordingStream(file);
        var fromStream = Assert.Throws<SafetensorsFormatException>(() => SafetensorsFile.Load(stream, leaveOpen: true));
        Assert.Equal(fromMemory.Message, fromStream.Message);

        foreach (string fragment in fragments)
        {
            Assert.Contains(fragment, fromMemory.Message, StringComparison.Ordinal);
        }

        if (tensor is not null)
        {
            Assert.Equal(tensor, fromMemory.TensorName);
            Assert.Contains($"'{tensor}'", fromMemory.Message, StringComparison.Ordinal);
        }

        Assert.True(stream.FurthestRead <= HeaderEnd(file), $"Read up to byte {stream.FurthestRead}, past the header end {HeaderEnd(file)}.");
        return fromMemory;
    }

    /// <summary>One past the last header byte when the header length fits the file; otherwise the end of the length prefix.</summary>
    public static long HeaderEnd(byte[] file)
    {
        if (file.Length < 8)
        {
            return 0;
        }

        ulong length = SafetensorsBytes.HeaderLength(file);
        return length <= (ulong)(file.Length - 8) ? 8 + (long)length : 8;
    }
}
