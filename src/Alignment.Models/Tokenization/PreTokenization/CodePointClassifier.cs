using System.Globalization;

namespace Alignment.Models.Tokenization.PreTokenization;

/// <summary>Classifies the code point at a position of UTF-16 text, decoding surrogate pairs.</summary>
internal static class CodePointClassifier
{
    private static readonly CodePointClass[] AsciiTable = BuildAsciiTable();

    /// <summary>
    /// Classifies the code point that starts at <paramref name="index"/> and reports how many
    /// UTF-16 units it occupies (2 for a surrogate pair, otherwise 1). A lone surrogate is
    /// <see cref="CodePointClass.Other"/>.
    /// </summary>
    public static CodePointClass Classify(ReadOnlySpan<char> text, int index, out int length)
    {
        char c = text[index];
        length = 1;
        if (c < 128)
        {
            return AsciiTable[c];
        }

        if (char.IsHighSurrogate(c))
        {
            if (index + 1 < text.Length && char.IsLowSurrogate(text[index + 1]))
            {
                length = 2;
                return FromCategory(CharUnicodeInfo.GetUnicodeCategory(char.ConvertToUtf32(c, text[index + 1])));
            }

            return CodePointClass.Other;
        }

        // Every white-space code point is in the Basic Multilingual Plane, and char.IsWhiteSpace
        // accepts exactly [\t\n\v\f\r\x85\p{Z}], the set that \s matches.
        return char.IsWhiteSpace(c) ? CodePointClass.WhiteSpace : FromCategory(CharUnicodeInfo.GetUnicodeCategory(c));
    }

    private static CodePointClass FromCategory(UnicodeCategory category) => category switch
    {
        UnicodeCategory.UppercaseLetter or UnicodeCategory.LowercaseLetter or UnicodeCategory.TitlecaseLetter
            or UnicodeCategory.ModifierLetter or UnicodeCategory.OtherLetter => CodePointClass.Letter,
        UnicodeCategory.DecimalDigitNumber or UnicodeCategory.LetterNumber or UnicodeCategory.OtherNumber => CodePointClass.Number,
        UnicodeCategory.SpaceSeparator or UnicodeCategory.LineSeparator or UnicodeCategory.ParagraphSeparator => CodePointClass.WhiteSpace,
        _ => CodePointClass.Other,
    };

    private static CodePointClass[] BuildAsciiTable()
    {
        var table = new CodePointClass[128];
        for (int c = 0; c < table.Length; c++)
        {
            table[c] = char.IsWhiteSpace((char)c)
                ? CodePointClass.WhiteSpace
                : FromCategory(CharUnicodeInfo.GetUnicodeCategory((char)c));
        }

        return table;
    }
}
