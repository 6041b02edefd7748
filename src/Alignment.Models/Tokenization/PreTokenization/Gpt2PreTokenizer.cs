namespace Alignment.Models.Tokenization.PreTokenization;

/// <summary>
/// A hand-written scanner equivalent to the GPT-2 pre-tokenization regular expression
/// <c>'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+</c>
/// applied to code points (surrogate pairs are one code point), as the reference Python and
/// Rust encoders apply it.
/// </summary>
/// <remarks>
/// The scanner runs in time linear in the length of the text. The alternatives are tried in
/// the order of the pattern, so contractions are recognised only in lower case and only at the
/// start of a piece, and a run of white space followed by a non-space keeps its last character
/// for the next piece (the <c>\s+(?!\S)</c> rule), where a final U+0020 joins the following word.
/// </remarks>
internal static class Gpt2PreTokenizer
{
    /// <summary>
    /// The length, in UTF-16 units, of the piece that starts at the beginning of
    /// <paramref name="text"/>, which must not be empty.
    /// </summary>
    public static int NextPieceLength(ReadOnlySpan<char> text)
    {
        if (text[0] == '\'')
        {
            int contraction = ContractionLength(text);
            if (contraction > 0)
            {
                return contraction;
            }
        }

        int start = 0;
        CodePointClass kind = CodePointClassifier.Classify(text, 0, out int length);
        if (text[0] == ' ' && text.Length > 1)
        {
            // " ?" followed by a letter, number or other run: every non-space code point is one of the three.
            CodePointClass next = CodePointClassifier.Classify(text, 1, out int nextLength);
            if (next != CodePointClass.WhiteSpace)
            {
                start = 1;
                kind = next;
                length = nextLength;
            }
        }

        if (kind == CodePointClass.WhiteSpace)
        {
            return WhiteSpaceLength(text);
        }

        int end = start + length;
        while (end < text.Length && CodePointClassifier.Classify(text, end, out length) == kind)
        {
            end += length;
        }

        return end;
    }

    /// <summary>Splits <paramref name="text"/> into its pieces, in order (a convenience for tests and tools).</summary>
    public static List<string> Split(ReadOnlySpan<char> text)
    {
        var pieces = new List<string>();
        while (!text.IsEmpty)
        {
            int length = NextPieceLength(text);
            pieces.Add(text[..length].ToString());
            text = text[length..];
        }

        return pieces;
    }

    private static int ContractionLength(ReadOnlySpan<char> text)
    {
        if (text.Length < 2)
        {
            return 0;
        }

        char first = text[1];
        if (first is 's' or 't' or 'm' or 'd')
        {
            return 2;
        }

        if (text.Length < 3)
        {
            return 0;
        }

        char second = text[2];
        bool three = (first == 'r' && second == 'e') || (first == 'v' && second == 'e') || (first == 'l' && second == 'l');
        return three ? 3 : 0;
    }

    private static int WhiteSpaceLength(ReadOnlySpan<char> text)
    {
        // All white-space code points are single UTF-16 units.
        int run = 1;
        while (run < text.Length && CodePointClassifier.Classify(text, run, out _) == CodePointClass.WhiteSpace)
        {
            run++;
        }

        if (run == text.Length)
        {
            return run; // \s+(?!\S) matches the whole run at the end of the text.
        }

        // Followed by a non-space: \s+(?!\S) backtracks one character; a single one falls to \s+.
        return run > 1 ? run - 1 : 1;
    }
}
