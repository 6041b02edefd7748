namespace Alignment.Models.Tokenization;

/// <summary>
/// Converts between text and token ids. Implementations are expected to be safe to use from
/// several threads at once.
/// </summary>
public interface ITokenizer
{
    /// <summary>
    /// The size of the id space: one more than the largest token id, which is the number of
    /// rows an embedding table needs.
    /// </summary>
    int VocabularySize { get; }

    /// <summary>The end-of-text id, or <see langword="null"/> when there is none.</summary>
    int? EndOfTextId { get; }

    /// <summary>The beginning-of-sequence id, or <see langword="null"/> when there is none.</summary>
    int? BeginningOfSequenceId { get; }

    /// <summary>The padding id, or <see langword="null"/> when there is none.</summary>
    int? PaddingId { get; }

    /// <summary>The special tokens (text to id), which are recognised in text only when special tokens are allowed.</summary>
    IReadOnlyDictionary<string, int> SpecialTokens { get; }

    /// <summary>
    /// Encodes <paramref name="text"/> into a new array of token ids.
    /// </summary>
    /// <param name="text">The text to encode.</param>
    /// <param name="allowSpecialTokens">
    /// Whether the text of a special token (for example <c>&lt;|endoftext|&gt;</c>) becomes that
    /// token. Default <see langword="false"/>: special-token text is encoded as ordinary text,
    /// so that untrusted input cannot inject control tokens.
    /// </param>
    /// <returns>A new array the caller owns.</returns>
    int[] EncodeToIds(string text, bool allowSpecialTokens = false);

    /// <summary>
    /// Counts the tokens <see cref="EncodeToIds"/> would produce, without allocating them.
    /// </summary>
    /// <param name="text">The text to measure.</param>
    /// <param name="allowSpecialTokens">As for <see cref="EncodeToIds"/>; default <see langword="false"/>.</param>
    int CountTokens(string text, bool allowSpecialTokens = false);

    /// <summary>Decodes token ids into text.</summary>
    /// <param name="ids">The ids to decode.</param>
    /// <param name="skipSpecialTokens">Whether special tokens are left out of the text; default <see langword="false"/>.</param>
    /// <exception cref="ArgumentOutOfRangeException">An id is not in the vocabulary.</exception>
    string Decode(IEnumerable<int> ids, bool skipSpecialTokens = false);

    /// <summary>Decodes token ids into text.</summary>
    /// <param name="ids">The ids to decode.</param>
    /// <param name="skipSpecialTokens">Whether special tokens are left out of the text; default <see langword="false"/>.</param>
    /// <exception cref="ArgumentOutOfRangeException">An id is not in the vocabulary.</exception>
    string Decode(ReadOnlySpan<int> ids, bool skipSpecialTokens = false);

    /// <summary>The id of <paramref name="token"/> (in the vocabulary's own spelling), or <see langword="null"/> when it has none.</summary>
    int? TokenToId(string token);

    /// <summary>The vocabulary's spelling of the token <paramref name="id"/>, or <see langword="null"/> when no token has that id.</summary>
    string? IdToToken(int id);
}
