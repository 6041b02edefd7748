namespace Alignment.Tests.IO;

public class SafetensorsEntryValidationTests
{
    private static byte[] File(string entries, int dataLength = 0) =>
        SafetensorsBytes.Build("{" + entries + "}", new byte[dataLength]);

    [Theory]
    [InlineData("5", "Number")]
    [InlineData("[1,2]", "Array")]
    [InlineData("\"F32\"", "String")]
    [InlineData("null", "Null")]
    public void Load_EntryNotObject_Throws(string entry, string kind)
    {
        SafetensorsAssert.Rejected(File("\"w\":" + entry), "w", "must be a JSON object, not " + kind);
    }

    [Theory]
    [InlineData("{\"shape\":[1],\"data_offsets\":[0,4]}", "has no \"dtype\"")]
    [InlineData("{\"dtype\":\"F32\",\"data_offsets\":[0,4]}", "has no \"shape\"")]
    [InlineData("{\"dtype\":\"F32\",\"shape\":[1]}", "has no \"data_offsets\"")]
    public void Load_EntryMissingField_Throws(string entry, string expected)
    {
        SafetensorsAssert.Rejected(File("\"w\":" + entry, 4), "w", expected);
    }

    [Theory]
    [InlineData("{\"dtype\":1,\"shape\":[1],\"data_offsets\":[0,4]}", "\"dtype\" of tensor 'w' must be a string, not Number")]
    [InlineData("{\"dtype\":\"F32\",\"shape\":\"1\",\"data_offsets\":[0,4]}", "\"shape\" of tensor 'w' must be an array of integers, not String")]
    [InlineData("{\"dtype\":\"F32\",\"shape\":[\"1\"],\"data_offsets\":[0,4]}", "dimension 0 of the shape of tensor 'w' must be an integer, not String")]
    [InlineData("{\"dtype\":\"F32\",\"shape\":[1.0],\"data_offsets\":[0,4]}", "dimension 0 of the shape of tensor 'w' is not an integer (1.0)")]
    [InlineData("{\"dtype\":\"F32\",\"shape\":[1e0],\"data_offsets\":[0,4]}", "is not an integer (1e0)")]
    [InlineData("{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":{}}", "\"data_offsets\" of tensor 'w' must be an array of two integers [begin, end], not Object")]
    [InlineData("{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[4]}", "not an array of 1 items")]
    [InlineData("{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4,8]}", "not an array of 3 items")]
    [InlineData("{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,true]}", "data_offsets end of tensor 'w' must be an integer, not True")]
    [InlineData("{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[-4,0]}", "data_offsets begin of tensor 'w' is negative (-4)")]
    [InlineData("{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,99999999999999999999]}", "data_offsets end of tensor 'w' is too large")]
    public void Load_EntryFieldMistyped_Throws(string entry, string expected)
    {
        SafetensorsAssert.Rejected(File("\"w\":" + entry, 4), "w", expected);
    }

    [Fact]
    public void Load_EntryFieldRepeated_Throws()
    {
        string entry = "\"w\":{\"dtype\":\"F32\",\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]}";

        SafetensorsAssert.Rejected(File(entry, 4), "w", "field \"dtype\" more than once");
    }

    [Fact]
    public void Load_EntryUnknownField_IsIgnored()
    {
        string entry = "\"w\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4],\"extra\":[1,{}]}";

        using var file = Alignment.IO.SafetensorsFile.Load(File(entry, 4));

        Assert.Equal([0f], file.ReadSingle("w"));
    }

    [Theory]
    [InlineData("F64")]
    [InlineData("f32")]
    [InlineData("U8")]
    [InlineData("")]
    public void Load_UnknownDType_Throws(string dtype)
    {
        SafetensorsAssert.Rejected(File(SafetensorsBytes.Entry("w", dtype, "[1]", 0, 4), 4), "w",
            $"unsupported dtype '{dtype}'", "supported: F32, F16, BF16, I64, I32");
    }

    [Fact]
    public void Load_NegativeDimension_Throws()
    {
        SafetensorsAssert.Rejected(File(SafetensorsBytes.Entry("w", "F32", "[2,-3]", 0, 4), 4), "w",
            "dimension 1 of the shape of tensor 'w' is negative (-3)");
    }

    [Fact]
    public void Load_DimensionAboveInt32_Throws()
    {
        SafetensorsAssert.Rejected(File(SafetensorsBytes.Entry("w", "F32", "[2147483648]", 0, 4), 4), "w",
            "Dimension 0 of the shape of tensor 'w' is 2147483648");
    }

    [Theory]
    [InlineData("[2147483647,2147483647,2147483647]")]
    [InlineData("[65536,65536]")]
    public void Load_ElementCountOverflow_Throws(string shape)
    {
        SafetensorsAssert.Rejected(File(SafetensorsBytes.Entry("w", "F32", shape, 0, 0)), "w", "more than", "elements");
    }

    [Fact]
    public void Load_BeginAfterEnd_Throws()
    {
        SafetensorsAssert.Rejected(File(SafetensorsBytes.Entry("w", "F32", "[1]", 8, 4), 8), "w",
            "data_offsets [8, 4] with begin > end");
    }

    [Theory]
    [InlineData(0, 8)]
    [InlineData(4, 8)]
    [InlineData(0, 9223372036854775807)]
    public void Load_EndBeyondDataSection_ThrowsBeforeReadingData(long begin, long end)
    {
        SafetensorsAssert.Rejected(File(SafetensorsBytes.Entry("w", "F32", "[1]", begin, end), 4), "w",
            $"data_offsets [{begin}, {end}]", "beyond the data section of 4 bytes");
    }

    [Theory]
    [InlineData("F32", "[2,3]", 20, "needs 24 bytes (6 elements × 4)", "span 20 bytes")]
    [InlineData("F16", "[3]", 8, "needs 6 bytes (3 elements × 2)", "span 8 bytes")]
    [InlineData("I64", "[]", 4, "needs 8 bytes (1 elements × 8)", "span 4 bytes")]
    [InlineData("BF16", "[0]", 2, "needs 0 bytes", "span 2 bytes")]
    public void Load_ByteLengthMismatch_Throws(string dtype, string shape, int bytes, string needs, string spans)
    {
        SafetensorsAssert.Rejected(File(SafetensorsBytes.Entry("w", dtype, shape, 0, bytes), bytes), "w", needs, spans);
    }
}
