using System.Text;
using Alignment.IO;

namespace Alignment.Tests.IO;

public class SafetensorsHeaderValidationTests
{
    private static readonly string ValidEntry = SafetensorsBytes.Entry("a", "F32", "[1]", 0, 4);

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(7)]
    public void Load_FileShorterThan8Bytes_Throws(int length)
    {
        SafetensorsAssert.Rejected(new byte[length], null, $"is {length} bytes", "8-byte header length");
    }

    [Fact]
    public void Open_FileShorterThan8Bytes_Throws()
    {
        using var dir = new TempDirectory();
        File.WriteAllBytes(dir.File("short.safetensors"), [1, 2, 3]);

        var ex = Assert.Throws<SafetensorsFormatException>(() => SafetensorsFile.Open(dir.File("short.safetensors")));

        Assert.Contains("is 3 bytes", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_HeaderLengthZero_Throws()
    {
        SafetensorsAssert.Rejected(SafetensorsBytes.Build("", [1, 2, 3, 4]), null, "header length is 0");
    }

    [Theory]
    [InlineData(1UL)]
    [InlineData(100UL)]
    [InlineData(ulong.MaxValue)]
    [InlineData(1UL << 63)]
    public void Load_HeaderLengthBeyondFile_Throws(ulong extra)
    {
        string header = "{" + ValidEntry + "}";
        ulong fileRest = (ulong)Encoding.UTF8.GetByteCount(header) + 4;
        ulong claimed = extra > ulong.MaxValue - fileRest ? extra : fileRest + extra;
        byte[] file = SafetensorsBytes.Build(header, new byte[4], claimed);

        SafetensorsAssert.Rejected(file, null, $"header length {claimed}", "larger than the");
    }

    [Fact]
    public void Open_HeaderLengthBeyondFile_Throws()
    {
        using var dir = new TempDirectory();
        string path = dir.File("bad.safetensors");
        File.WriteAllBytes(path, SafetensorsBytes.Build("{}", null, 1000));

        var ex = Assert.Throws<SafetensorsFormatException>(() => SafetensorsFile.Open(path));

        Assert.Contains("header length 1000 is larger than the 2 bytes", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_HeaderLengthAbsurd_ThrowsWithoutReadingHeader()
    {
        // A 200 MB "file" whose prefix claims a 150 MB header: it fits in the file but exceeds the 100 MB limit.
        byte[] prefix = SafetensorsBytes.Build("{}", null, 150_000_000);
        using var stream = new RecordingStream(prefix, 200_000_000);

        var ex = Assert.Throws<SafetensorsFormatException>(() => SafetensorsFile.Load(stream, leaveOpen: true));

        Assert.Contains("header length 150000000 exceeds the limit of 100000000 bytes", ex.Message, StringComparison.Ordinal);
        Assert.Equal(8, stream.FurthestRead);
    }

    [Fact]
    public void Load_HeaderNotUtf8_Throws()
    {
        byte[] header = Encoding.UTF8.GetBytes("{\"a\":{}}   ");
        header[2] = 0xFF;

        SafetensorsAssert.Rejected(SafetensorsBytes.Build(header), null, "not valid UTF-8");
    }

    [Theory]
    [InlineData("{\"a\":", "not valid JSON")]
    [InlineData("{\"a\":{\"dtype\":\"F32\",}}", "not valid JSON")]
    [InlineData("{} {}", "not valid JSON")]
    [InlineData("{\"a\":[[[[[1]]]]]}", "not valid JSON")]
    [InlineData("[1, 2]", "must be a JSON object starting with '{'")]
    [InlineData("\"text\"", "must be a JSON object starting with '{'")]
    [InlineData(" {}", "must be a JSON object starting with '{'")]
    public void Load_HeaderNotJsonObject_Throws(string header, string expected)
    {
        SafetensorsAssert.Rejected(SafetensorsBytes.Build(header), null, expected);
    }

    [Fact]
    public void Load_DuplicateTensorName_Throws()
    {
        string header = "{" + ValidEntry + "," + ValidEntry + "}";

        SafetensorsAssert.Rejected(SafetensorsBytes.Build(header, new byte[4]), "a", "more than once");
    }

    [Fact]
    public void Load_DuplicateMetadata_Throws()
    {
        string header = "{\"__metadata__\":{},\"__metadata__\":{}}";

        SafetensorsAssert.Rejected(SafetensorsBytes.Build(header), null, "'__metadata__' more than once");
    }

    [Fact]
    public void Load_DuplicateMetadataKey_Throws()
    {
        string header = "{\"__metadata__\":{\"k\":\"1\",\"k\":\"2\"}}";

        SafetensorsAssert.Rejected(SafetensorsBytes.Build(header), null, "'k' more than once");
    }

    [Theory]
    [InlineData("[]", "must be a JSON object of strings, not Array")]
    [InlineData("\"x\"", "must be a JSON object of strings, not String")]
    [InlineData("{\"k\":1}", "value for key 'k' must be a string, not Number")]
    [InlineData("{\"k\":null}", "value for key 'k' must be a string, not Null")]
    public void Load_MetadataMistyped_Throws(string metadata, string expected)
    {
        SafetensorsAssert.Rejected(SafetensorsBytes.Build("{\"__metadata__\":" + metadata + "}"), null, expected);
    }

    [Fact]
    public void Load_NameWithLoneSurrogateEscape_Throws()
    {
        string header = "{" + SafetensorsBytes.Entry("\\ud800", "F32", "[1]", 0, 4) + "}";

        SafetensorsAssert.Rejected(SafetensorsBytes.Build(header, new byte[4]), null, "not a valid string");
    }

    [Fact]
    public void Load_HeaderPaddedWithSpaces_IsAccepted()
    {
        using var file = SafetensorsFile.Load(SafetensorsBytes.Build("{" + ValidEntry + "}        ", SafetensorsBytes.Singles(2.5f)));

        Assert.Equal([2.5f], file.ReadSingle("a"));
    }
}
