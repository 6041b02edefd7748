using Alignment.IO;

namespace Alignment.Tests.IO;

public class SafetensorsReadTests
{
    private static SafetensorsFile Sample() => SafetensorsFile.Load(SafetensorsWriter.ToArray(
    [
        SafetensorsTensor.FromSingle("f", [2], new[] { 1f, 2f }),
        SafetensorsTensor.FromInt64("big", [2], new[] { 1L, 1L << 40 }),
        SafetensorsTensor.FromInt64("small", [2], new[] { -5L, int.MaxValue }),
        SafetensorsTensor.FromInt32("i", [1], new[] { 9 }),
    ]));

    [Fact]
    public void ReadSingle_IntegerTensor_Throws()
    {
        using var file = Sample();

        var ex = Assert.Throws<InvalidOperationException>(() => file.ReadSingle("i"));

        Assert.Contains("Tensor 'i' is I32", ex.Message, StringComparison.Ordinal);
        Assert.Throws<InvalidOperationException>(() => file.ReadSingle("big", new float[2]));
    }

    [Fact]
    public void ReadInteger_FloatTensor_Throws()
    {
        using var file = Sample();

        Assert.Contains("Tensor 'f' is F32", Assert.Throws<InvalidOperationException>(() => file.ReadInt64("f")).Message, StringComparison.Ordinal);
        Assert.Throws<InvalidOperationException>(() => file.ReadInt32("f"));
        Assert.Throws<InvalidOperationException>(() => file.ReadInt32("f", new int[2]));
    }

    [Fact]
    public void ReadInt32_I64InRange_Narrows()
    {
        using var file = Sample();

        Assert.Equal([-5, int.MaxValue], file.ReadInt32("small"));
    }

    [Fact]
    public void ReadInt32_I64OutOfRange_ThrowsOverflow()
    {
        using var file = Sample();

        var ex = Assert.Throws<OverflowException>(() => file.ReadInt32("big"));

        Assert.Contains("Element 1 of I64 tensor 'big' is 1099511627776", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_UnknownName_ThrowsKeyNotFound()
    {
        using var file = Sample();

        Assert.False(file.Contains("missing"));
        Assert.False(file.TryGetTensor("missing", out _));
        var ex = Assert.Throws<KeyNotFoundException>(() => file.ReadSingle("missing"));
        Assert.Contains("'missing'", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_IntoSpanOfWrongLength_Throws()
    {
        using var file = Sample();

        var ex = Assert.Throws<ArgumentException>(() => file.ReadSingle("f", new float[3]));

        Assert.Equal("destination", ex.ParamName);
    }

    [Fact]
    public void Read_IntoSpans_Works()
    {
        using var file = Sample();
        var floats = new float[2];
        var longs = new long[1];
        var ints = new int[2];

        file.ReadSingle("f", floats);
        file.ReadInt64("i", longs);
        file.ReadInt32("small", ints);

        Assert.Equal([1f, 2f], floats);
        Assert.Equal([9L], longs);
        Assert.Equal([-5, int.MaxValue], ints);
    }

    [Fact]
    public void Read_AfterDispose_Throws()
    {
        var file = Sample();
        file.Dispose();
        file.Dispose();

        Assert.Throws<ObjectDisposedException>(() => file.ReadSingle("f"));
        Assert.Throws<ObjectDisposedException>(() => file.ReadBytes("f"));
    }

    [Fact]
    public void TensorInfo_DescribesEntry()
    {
        using var file = Sample();

        Assert.True(file.TryGetTensor("big", out SafetensorsTensorInfo? info));
        Assert.Equal("big", info.Name);
        Assert.Equal(0, info.DataBegin);
        Assert.Equal(16, info.DataEnd);
        Assert.Equal(16, info.ByteLength);
        Assert.Equal([2], info.GetShapeArray());
        Assert.Equal("big I64 [2]", info.ToString());
        Assert.Equal(["big", "small", "f", "i"], file.Tensors.Select(t => t.Name));
    }

    [Fact]
    public void Load_NonSeekableStream_CopiesAndReads()
    {
        byte[] bytes = SafetensorsWriter.ToArray([SafetensorsTensor.FromSingle("f", [1], new[] { 3f })]);
        using var stream = new NonSeekableStream(bytes);

        using var file = SafetensorsFile.Load(stream);

        Assert.Equal([3f], file.ReadSingle("f"));
    }

    [Fact]
    public void Load_SeekableStream_StartsAtCurrentPosition()
    {
        byte[] bytes = SafetensorsWriter.ToArray([SafetensorsTensor.FromSingle("f", [1], new[] { 3f })]);
        var stream = new MemoryStream();
        stream.Write([9, 9, 9]);
        stream.Write(bytes);
        stream.Position = 3;

        using (var file = SafetensorsFile.Load(stream))
        {
            Assert.Equal([3f], file.ReadSingle("f"));
        }

        Assert.False(stream.CanRead); // leaveOpen defaults to false
    }

    private sealed class NonSeekableStream(byte[] bytes) : MemoryStream(bytes)
    {
        public override bool CanSeek => false;
    }
}
