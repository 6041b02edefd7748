using Alignment.IO;

namespace Alignment.Tests.IO;

public class SafetensorsTensorTests
{
    [Fact]
    public void FromSingle_DataLengthMismatch_Throws()
    {
        var ex = Assert.Throws<ArgumentException>(() => SafetensorsTensor.FromSingle("w", [2, 3], new float[5]));

        Assert.Equal("data", ex.ParamName);
        Assert.Contains("must hold 6 elements, not 5", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void FromBytes_ByteLengthMismatch_Throws()
    {
        var ex = Assert.Throws<ArgumentException>(() => SafetensorsTensor.FromBytes("w", SafetensorsDType.BF16, [3], new byte[5]));

        Assert.Contains("must hold 6 bytes, not 5", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void FromSingle_NegativeDimension_Throws()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => SafetensorsTensor.FromSingle("w", [2, -1], Array.Empty<float>()));
    }

    [Fact]
    public void FromSingle_TooManyElements_Throws()
    {
        Assert.Throws<ArgumentException>(() => SafetensorsTensor.FromSingle("w", [65536, 65536], Array.Empty<float>()));
    }

    [Fact]
    public void FromSingle_IntegerDType_Throws()
    {
        Assert.Throws<ArgumentException>(() => SafetensorsTensor.FromSingle("w", [1], new float[1], SafetensorsDType.I32));
    }

    [Fact]
    public void Create_ReservedName_Throws()
    {
        Assert.Throws<ArgumentException>(() => SafetensorsTensor.FromInt32("__metadata__", [1], new int[1]));
    }

    [Fact]
    public void Write_DuplicateNames_Throws()
    {
        var ex = Assert.Throws<ArgumentException>(() => SafetensorsWriter.ToArray(
            [SafetensorsTensor.FromInt32("x", [1], new int[1]), SafetensorsTensor.FromInt64("x", [1], new long[1])]));

        Assert.Contains("'x' appears more than once", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Tensor_ReportsShapeAndSizes()
    {
        var tensor = SafetensorsTensor.FromSingle("w", [2, 3], new float[6], SafetensorsDType.F16);

        Assert.Equal([2, 3], tensor.Shape);
        Assert.Equal(6, tensor.ElementCount);
        Assert.Equal(12, tensor.ByteLength);
        Assert.Equal("w F16 [2, 3]", tensor.ToString());
    }
}
