using Alignment.IO;

namespace Alignment.Tests.IO;

public class SafetensorsLayoutValidationTests
{
    private static byte[] File(int dataLength, params string[] entries) =>
        SafetensorsBytes.Build("{" + string.Join(",", entries) + "}", new byte[dataLength]);

    [Fact]
    public void Load_OverlappingTensors_Throws()
    {
        byte[] file = File(12,
            SafetensorsBytes.Entry("a", "F32", "[2]", 0, 8),
            SafetensorsBytes.Entry("b", "F32", "[2]", 4, 12));

        SafetensorsAssert.Rejected(file, "b", "Tensor 'b' (data_offsets [4, 12]) overlaps tensor 'a' (data_offsets [0, 8])");
    }

    [Fact]
    public void Load_SameRangeTwice_Throws()
    {
        byte[] file = File(4,
            SafetensorsBytes.Entry("a", "F32", "[1]", 0, 4),
            SafetensorsBytes.Entry("b", "I32", "[1]", 0, 4));

        SafetensorsAssert.Rejected(file, "b", "overlaps tensor 'a'");
    }

    [Fact]
    public void Load_EmptyTensorInsideAnother_Throws()
    {
        byte[] file = File(8,
            SafetensorsBytes.Entry("a", "F32", "[2]", 0, 8),
            SafetensorsBytes.Entry("e", "F32", "[0]", 4, 4));

        SafetensorsAssert.Rejected(file, "e", "overlaps tensor 'a'");
    }

    [Fact]
    public void Load_GapBetweenTensors_Throws()
    {
        byte[] file = File(12,
            SafetensorsBytes.Entry("a", "F32", "[1]", 0, 4),
            SafetensorsBytes.Entry("b", "F32", "[1]", 8, 12));

        SafetensorsAssert.Rejected(file, "b", "Gap of 4 bytes", "tensor 'a' (which ends at 4) and tensor 'b' (which begins at 8)", "contiguously from 0");
    }

    [Fact]
    public void Load_GapAtStart_Throws()
    {
        byte[] file = File(8, SafetensorsBytes.Entry("a", "F32", "[1]", 4, 8));

        SafetensorsAssert.Rejected(file, "a", "Gap of 4 bytes", "the start of the data section");
    }

    [Fact]
    public void Load_TrailingBytesAfterLastTensor_Throws()
    {
        byte[] file = File(6, SafetensorsBytes.Entry("a", "F32", "[1]", 0, 4));

        SafetensorsAssert.Rejected(file, "a", "data section is 6 bytes", "last tensor 'a' ends at 4", "2 trailing bytes");
    }

    [Fact]
    public void Load_DataWithoutTensors_Throws()
    {
        SafetensorsAssert.Rejected(File(3), null, "data section is 3 bytes", "lists no tensors", "3 trailing bytes");
    }

    [Fact]
    public void Load_TensorsListedOutOfOffsetOrder_AreAcceptedInHeaderOrder()
    {
        byte[] data = [.. SafetensorsBytes.Singles(1f), .. SafetensorsBytes.Singles(2f)];
        byte[] bytes = SafetensorsBytes.Build("{" + SafetensorsBytes.Entry("second", "F32", "[1]", 4, 8) + ","
            + SafetensorsBytes.Entry("empty", "F32", "[0,5]", 4, 4) + ","
            + SafetensorsBytes.Entry("first", "F32", "[]", 0, 4) + "}", data);

        using var file = SafetensorsFile.Load(bytes);

        Assert.Equal(["second", "empty", "first"], file.Tensors.Select(t => t.Name));
        Assert.Equal([2f], file.ReadSingle("second"));
        Assert.Equal([1f], file.ReadSingle("first"));
        Assert.Empty(file.ReadSingle("empty"));
    }
}
