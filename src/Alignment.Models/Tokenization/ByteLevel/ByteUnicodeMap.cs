namespace Alignment.Models.Tokenization.ByteLevel;

/// <summary>
/// The GPT-2 byte-level alphabet: a bijection between the 256 byte values and 256 printable
/// Unicode characters, so that every byte sequence can be written as a string without
/// whitespace or control characters.
/// </summary>
/// <remarks>
/// Bytes that are already printable Latin-1 characters (<c>'!'..'~'</c>, <c>'¡'..'¬'</c>,
/// <c>'®'..'ÿ'</c>) map to themselves; the remaining 68 bytes (controls, space, DEL, the C1
/// range, NBSP and soft hyphen) map, in increasing byte order, to U+0100, U+0101, ...
/// </remarks>
internal static class ByteUnicodeMap
{
    private static readonly char[] ByteToCharTable = BuildByteToChar();
    private static readonly short[] CharToByteTable = BuildCharToByte(ByteToCharTable);

    /// <summary>The character that represents <paramref name="value"/>.</summary>
    public static char ToChar(byte value) => ByteToCharTable[value];

    /// <summary>
    /// The byte that <paramref name="c"/> represents, or -1 when <paramref name="c"/> is not
    /// part of the byte-level alphabet.
    /// </summary>
    public static int ToByte(char c) => c < CharToByteTable.Length ? CharToByteTable[c] : -1;

    private static bool MapsToItself(int b) =>
        (b >= '!' && b <= '~') || (b >= '\u00A1' && b <= '\u00AC') || (b >= '\u00AE' && b <= '\u00FF');

    private static char[] BuildByteToChar()
    {
        var table = new char[256];
        int next = 256;
        for (int b = 0; b < 256; b++)
        {
            table[b] = MapsToItself(b) ? (char)b : (char)next++;
        }

        return table;
    }

    private static short[] BuildCharToByte(char[] byteToChar)
    {
        int max = 0;
        foreach (char c in byteToChar)
        {
            max = Math.Max(max, c);
        }

        var table = new short[max + 1];
        Array.Fill(table, (short)-1);
        for (int b = 0; b < byteToChar.Length; b++)
        {
            table[byteToChar[b]] = (short)b;
        }

        return table;
    }
}
