namespace Alignment.Models.Tokenization.Special;

/// <summary>
/// Finds literal tokens (special or added tokens) in text: the leftmost occurrence, and among
/// occurrences at the same position the longest.
/// </summary>
internal sealed class SpecialTokenMatcher
{
    private readonly string[] _tokens;
    private readonly int[] _ids;

    /// <summary>Creates a matcher for the given non-empty, distinct tokens and their ids.</summary>
    public SpecialTokenMatcher(IReadOnlyDictionary<string, int> tokens)
    {
        _tokens = [.. tokens.Keys];
        _ids = [.. _tokens.Select(t => tokens[t])];
    }

    /// <summary>The number of tokens; a caller's <c>next</c> buffer must be this long.</summary>
    public int Count => _tokens.Length;

    /// <summary>Prepares a buffer of next-occurrence positions for a new text.</summary>
    public static void Reset(Span<int> next) => next.Fill(int.MinValue);

    /// <summary>
    /// Finds the first token occurrence at or after <paramref name="position"/>.
    /// <paramref name="next"/> remembers, across calls on the same text, where each token next
    /// occurs (-1: nowhere), so the text is searched once per token and match rather than once
    /// per token and call.
    /// </summary>
    public bool FindNext(ReadOnlySpan<char> text, int position, Span<int> next, out int start, out int length, out int id)
    {
        start = int.MaxValue;
        length = 0;
        id = -1;
        for (int t = 0; t < _tokens.Length; t++)
        {
            if (next[t] != -1 && next[t] < position)
            {
                int found = text[position..].IndexOf(_tokens[t], StringComparison.Ordinal);
                next[t] = found < 0 ? -1 : position + found;
            }

            int at = next[t];
            if (at >= 0 && (at < start || (at == start && _tokens[t].Length > length)))
            {
                start = at;
                length = _tokens[t].Length;
                id = _ids[t];
            }
        }

        return id >= 0;
    }
}
