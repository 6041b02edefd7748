using System.Text;
using Alignment.IO;

namespace Alignment.Tests.IO;

public class SafetensorsRoundTripTests
{
    private static SafetensorsFile RoundTrip(IEnumerable<SafetensorsTensor> tensors, IReadOnlyDictionary<string, string>? metadata = null) =>
        SafetensorsFile.Load(SafetensorsWriter.ToArray(tensors, metadata));

    [Fact]
    public void RoundTrip_F32_IsBitExact()
    {
        float[] values = [0f, -0f, 1f, -2.5f, float.MaxValue, float.MinValue, float.Epsilon, float.PositiveInfinity, float.NegativeInfinity, float.NaN, 1e-40f, 0.1f];

        using var file = RoundTrip([SafetensorsTensor.FromSingle("x", [3, 4], values)]);

        SafetensorsTensorInfo info = file.GetTensor("x");
        Assert.Equal(SafetensorsDType.F32, info.DType);
        Assert.Equal([3, 4], info.Shape);
        Assert.Equal(values.Select(BitConverter.SingleToInt32Bits), file.ReadSingle("x").Select(BitConverter.SingleToInt32Bits));
    }

    [Fact]
    public void RoundTrip_F16_ExactValuesSurvive()
    {
        // All exactly representable in binary16: 2^-24 is the smallest subnormal, 65504 the largest finite value.
        float[] values = [0f, -0f, 1f, -2f, 0.5f, 1f + (1f / 1024), 65504f, -65504f, MathF.Pow(2, -24), MathF.Pow(2, -14), float.PositiveInfinity, 3.140625f];

        using var file = RoundTrip([SafetensorsTensor.FromSingle("h", [values.Length], values, SafetensorsDType.F16)]);

        Assert.Equal(SafetensorsDType.F16, file.GetTensor("h").DType);
        Assert.Equal(2L * values.Length, file.GetTensor("h").ByteLength);
        Assert.Equal(values.Select(BitConverter.SingleToInt32Bits), file.ReadSingle("h").Select(BitConverter.SingleToInt32Bits));
    }

    [Theory]
    [InlineData(1f + (1f / 2048), 0x3C00)] // tie between 1 and 1+2^-10: to even (1)
    [InlineData(1f + (3f / 2048), 0x3C02)] // tie between 1+2^-10 and 1+2^-9: to even (1+2^-9)
    [InlineData(1f + (1f / 2048) + (1f / 1048576), 0x3C01)] // just above the tie: up
    [InlineData(65519f, 0x7BFF)] // below the midpoint to 65536: largest finite
    [InlineData(65520f, 0x7C00)] // the midpoint rounds to even, which is infinity
    [InlineData(2.98023224e-8f, 0x0000)] // 2^-25: tie between 0 and the smallest subnormal: to even (0)
    [InlineData(4.47034836e-8f, 0x0001)] // 3 * 2^-26: above the tie: smallest subnormal
    [InlineData(0.1f, 0x2E66)]
    [InlineData(-0f, 0x8000)]
    public void Write_F16_RoundsToNearestEven(float value, int expectedBits)
    {
        byte[] bytes = SafetensorsWriter.ToArray([SafetensorsTensor.FromSingle("h", [], new[] { value }, SafetensorsDType.F16)]);
        using var file = SafetensorsFile.Load(bytes);

        Assert.Equal(SafetensorsBytes.UInt16s((ushort)expectedBits), file.ReadBytes("h"));
        Assert.Equal((float)BitConverter.UInt16BitsToHalf((ushort)expectedBits), file.ReadSingle("h")[0]);
    }

    [Fact]
    public void RoundTrip_BF16_ExactValuesSurvive()
    {
        float[] values = [0f, -0f, 1f, -2.5f, 0.5f, 1f + (1f / 128), 3.140625f, float.PositiveInfinity, float.NegativeInfinity, BitConverter.UInt32BitsToSingle(0x7F7F0000)];

        using var file = RoundTrip([SafetensorsTensor.FromSingle("b", [2, 5], values, SafetensorsDType.BF16)]);

        Assert.Equal(SafetensorsDType.BF16, file.GetTensor("b").DType);
        Assert.Equal(values.Select(BitConverter.SingleToInt32Bits), file.ReadSingle("b").Select(BitConverter.SingleToInt32Bits));
    }

    [Theory]
    [InlineData(0x3F808000u, 0x3F80)] // 1 + 2^-8: tie between 1 and 1+2^-7: to even (1)
    [InlineData(0x3F818000u, 0x3F82)] // 1 + 3*2^-8: tie: to even (1+2^-6)
    [InlineData(0x3F808001u, 0x3F81)] // just above the tie: up
    [InlineData(0x3F807FFFu, 0x3F80)] // just below the tie: down
    [InlineData(0x7F7FFFFFu, 0x7F80)] // float.MaxValue rounds past the largest bfloat16: infinity
    [InlineData(0x3DCCCCCDu, 0x3DCD)] // 0.1f
    [InlineData(0x00000001u, 0x0000)] // smallest float subnormal: 0
    [InlineData(0x80000000u, 0x8000)] // -0 keeps its sign
    public void Write_BF16_RoundsToNearestEven(uint floatBits, int expectedBits)
    {
        float value = BitConverter.UInt32BitsToSingle(floatBits);

        byte[] bytes = SafetensorsWriter.ToArray([SafetensorsTensor.FromSingle("b", [1], new[] { value }, SafetensorsDType.BF16)]);
        using var file = SafetensorsFile.Load(bytes);

        Assert.Equal(SafetensorsBytes.UInt16s((ushort)expectedBits), file.ReadBytes("b"));
        Assert.Equal(BitConverter.UInt32BitsToSingle((uint)expectedBits << 16), file.ReadSingle("b")[0]);
    }

    [Fact]
    public void Write_BF16_NaNStaysNaN()
    {
        float[] values = [float.NaN, -float.NaN, BitConverter.UInt32BitsToSingle(0x7F800001)]; // the last is a NaN whose payload is in the dropped bits

        using var file = RoundTrip([SafetensorsTensor.FromSingle("n", [3], values, SafetensorsDType.BF16)]);

        Assert.All(file.ReadSingle("n"), v => Assert.True(float.IsNaN(v)));
    }

    [Fact]
    public void Read_F16AndBF16_FromKnownBitPatterns()
    {
        byte[] bytes = SafetensorsWriter.ToArray(
        [
            SafetensorsTensor.FromBytes("h", SafetensorsDType.F16, [5], SafetensorsBytes.UInt16s(0x3C00, 0xC000, 0x7C00, 0x0001, 0x3555)),
            SafetensorsTensor.FromBytes("b", SafetensorsDType.BF16, [4], SafetensorsBytes.UInt16s(0x3F80, 0xC020, 0xFF80, 0x0001)),
        ]);
        using var file = SafetensorsFile.Load(bytes);

        Assert.Equal([1f, -2f, float.PositiveInfinity, MathF.Pow(2, -24), 0.333251953125f], file.ReadSingle("h"));
        Assert.Equal([1f, -2.5f, float.NegativeInfinity, BitConverter.UInt32BitsToSingle(0x00010000)], file.ReadSingle("b"));
    }

    [Fact]
    public void RoundTrip_F16AndBF16_LargeTensorSpanningChunks()
    {
        // More elements than one internal chunk, to cover the chunked conversion paths.
        var values = new float[300_001];
        var random = new Random(5);
        for (int i = 0; i < values.Length; i++)
        {
            values[i] = (float)((random.NextDouble() * 2) - 1);
        }

        using var file = RoundTrip(
        [
            SafetensorsTensor.FromSingle("h", [values.Length], values, SafetensorsDType.F16),
            SafetensorsTensor.FromSingle("b", [values.Length], values, SafetensorsDType.BF16),
            SafetensorsTensor.FromSingle("f", [values.Length], values),
        ]);

        float[] h = file.ReadSingle("h"), b = file.ReadSingle("b"), f = file.ReadSingle("f");
        for (int i = 0; i < values.Length; i++)
        {
            Assert.Equal((float)(Half)values[i], h[i]);
            Assert.Equal(values[i], b[i], 1f / 256);
            Assert.Equal(values[i], f[i]);
        }
    }

    [Fact]
    public void RoundTrip_I64AndI32_AreExactAndConvert()
    {
        long[] longs = [long.MinValue, -1, 0, 1, long.MaxValue, int.MaxValue + 1L];
        int[] ints = [int.MinValue, -7, 0, 42, int.MaxValue, 3];

        using var file = RoundTrip(
        [
            SafetensorsTensor.FromInt64("l", [2, 3], longs),
            SafetensorsTensor.FromInt32("i", [3, 2], ints),
        ]);

        Assert.Equal(SafetensorsDType.I64, file.GetTensor("l").DType);
        Assert.Equal(SafetensorsDType.I32, file.GetTensor("i").DType);
        Assert.Equal(longs, file.ReadInt64("l"));
        Assert.Equal(ints, file.ReadInt32("i"));
        Assert.Equal(ints.Select(v => (long)v), file.ReadInt64("i"));
    }

    [Fact]
    public void RoundTrip_Metadata_IncludingUnicodeAndEscapes()
    {
        var metadata = new Dictionary<string, string>
        {
            ["format"] = "pt",
            ["note"] = "quotes \" backslash \\ newline \n tab \t plus + <tag> & ünïcødé 🙂",
            [""] = "empty key",
        };

        using var file = RoundTrip([SafetensorsTensor.FromInt32("ids", [1], new[] { 5 })], metadata);

        Assert.Equal(metadata.OrderBy(p => p.Key, StringComparer.Ordinal), file.Metadata.OrderBy(p => p.Key, StringComparer.Ordinal));
    }

    [Fact]
    public void RoundTrip_NoMetadata_GivesEmptyMetadata()
    {
        using var file = RoundTrip([SafetensorsTensor.FromInt32("ids", [1], new[] { 5 })]);

        Assert.Empty(file.Metadata);
    }

    [Fact]
    public void RoundTrip_EmptyTensorsAndScalars()
    {
        using var file = RoundTrip(
        [
            SafetensorsTensor.FromSingle("empty", [0], Array.Empty<float>()),
            SafetensorsTensor.FromSingle("empty2d", [3, 0], Array.Empty<float>(), SafetensorsDType.BF16),
            SafetensorsTensor.FromInt64("emptyLong", [0, 7], Array.Empty<long>()),
            SafetensorsTensor.FromSingle("scalar", [], new[] { 8.760758f }),
            SafetensorsTensor.FromInt64("scalarLong", [], new[] { -3L }),
            SafetensorsTensor.FromSingle("halfScalar", [], new[] { 0.5f }, SafetensorsDType.F16),
        ]);

        Assert.Equal([3, 0], file.GetTensor("empty2d").Shape);
        Assert.Equal(0, file.GetTensor("empty2d").ElementCount);
        Assert.Empty(file.ReadSingle("empty"));
        Assert.Empty(file.ReadSingle("empty2d"));
        Assert.Empty(file.ReadInt64("emptyLong"));
        Assert.Empty(file.GetTensor("scalar").Shape);
        Assert.Equal(1, file.GetTensor("scalar").ElementCount);
        Assert.Equal([8.760758f], file.ReadSingle("scalar"));
        Assert.Equal([-3L], file.ReadInt64("scalarLong"));
        Assert.Equal([0.5f], file.ReadSingle("halfScalar"));
    }

    [Fact]
    public void RoundTrip_NoTensors()
    {
        byte[] bytes = SafetensorsWriter.ToArray([]);
        using var file = SafetensorsFile.Load(bytes);

        Assert.Empty(file.Tensors);
        Assert.Equal(16, bytes.Length); // prefix + "{}" padded to 8
    }

    [Fact]
    public void RoundTrip_ThroughFileAndStream()
    {
        using var dir = new TempDirectory();
        string path = dir.File("model.safetensors");
        SafetensorsTensor[] tensors = [SafetensorsTensor.FromSingle("w", [2], new[] { 1.5f, -2f }), SafetensorsTensor.FromInt64("ids", [1], new[] { 7L })];

        SafetensorsWriter.Save(path, tensors, new Dictionary<string, string> { ["k"] = "v" });

        using (var file = SafetensorsFile.Open(path))
        {
            Assert.Equal([1.5f, -2f], file.ReadSingle("w"));
            Assert.Equal([7L], file.ReadInt64("ids"));
            Assert.Equal("v", file.Metadata["k"]);
        }

        using (var file = SafetensorsFile.Load(File.OpenRead(path)))
        {
            Assert.Equal([1.5f, -2f], file.ReadSingle("w"));
        }

        Assert.Equal(["model.safetensors"], dir.FileNames());
    }

    [Fact]
    public void Write_Layout_IsDeterministicPaddedAndAligned()
    {
        SafetensorsTensor[] tensors =
        [
            SafetensorsTensor.FromSingle("b", [1], new[] { 1f }, SafetensorsDType.F16),
            SafetensorsTensor.FromSingle("a", [1], new[] { 2f }),
            SafetensorsTensor.FromInt64("c", [1], new[] { 3L }),
            SafetensorsTensor.FromInt32("d", [1], new[] { 4 }),
        ];
        var metadata = new Dictionary<string, string> { ["z"] = "1", ["y"] = "2" };

        byte[] bytes = SafetensorsWriter.ToArray(tensors, metadata);
        byte[] reversed = SafetensorsWriter.ToArray(tensors.Reverse(), new Dictionary<string, string> { ["y"] = "2", ["z"] = "1" });

        Assert.Equal(bytes, reversed);
        ulong headerLength = SafetensorsBytes.HeaderLength(bytes);
        Assert.Equal(0UL, headerLength % 8);
        string header = Encoding.UTF8.GetString(bytes, 8, (int)headerLength);
        Assert.Equal(
            "{\"__metadata__\":{\"y\":\"2\",\"z\":\"1\"}," +
            "\"c\":{\"dtype\":\"I64\",\"shape\":[1],\"data_offsets\":[0,8]}," +
            "\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[8,12]}," +
            "\"d\":{\"dtype\":\"I32\",\"shape\":[1],\"data_offsets\":[12,16]}," +
            "\"b\":{\"dtype\":\"F16\",\"shape\":[1],\"data_offsets\":[16,18]}}",
            header.TrimEnd(' '));
        Assert.True(header.Length - header.TrimEnd(' ').Length < 8);
        Assert.Equal(8 + (int)headerLength + 18, bytes.Length);
    }

    [Fact]
    public void Write_NamesAreWrittenUnescaped()
    {
        byte[] bytes = SafetensorsWriter.ToArray([SafetensorsTensor.FromInt32("a+b<c>ü", [1], new[] { 1 })]);

        string header = Encoding.UTF8.GetString(bytes, 8, (int)SafetensorsBytes.HeaderLength(bytes));
        Assert.Contains("\"a+b<c>ü\"", header, StringComparison.Ordinal);
        using var file = SafetensorsFile.Load(bytes);
        Assert.True(file.Contains("a+b<c>ü"));
    }
}
