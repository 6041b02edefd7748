using Alignment.Models.Tokenization.ByteLevel;

namespace Alignment.Models.Tests.Tokenization;

public class ByteUnicodeMapTests
{
    [Fact]
    public void IsABijectionOntoPrintableCharacters()
    {
        var seen = new HashSet<char>();
        for (int b = 0; b < 256; b++)
        {
            char c = ByteUnicodeMap.ToChar((byte)b);
            Assert.True(seen.Add(c));
            Assert.False(char.IsWhiteSpace(c) || char.IsControl(c));
            Assert.Equal(b, ByteUnicodeMap.ToByte(c));
        }

        Assert.Equal(-1, ByteUnicodeMap.ToByte(' '));
        Assert.Equal(-1, ByteUnicodeMap.ToByte('\u4E2D'));
    }

    [Theory]
    [InlineData(' ', '\u0120')]
    [InlineData('\n', '\u010A')]
    [InlineData('\t', '\u0109')]
    [InlineData('\0', '\u0100')]
    [InlineData('A', 'A')]
    [InlineData('\u00AD', '\u0143')]
    [InlineData('\u00FF', '\u00FF')]
    public void MapsLikeGpt2(char value, char expected) => Assert.Equal(expected, ByteUnicodeMap.ToChar((byte)value));
}
