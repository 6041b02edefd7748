using Alignment.Models.Tokenization;

namespace RewardModelingSample;

/// <summary>
/// A word-level tokenizer for the sample: lower-case words and the punctuation marks . , ? ! : are tokens; words it has
/// not seen map to "&lt;unk&gt;". A vocabulary of a hundred words keeps the embedding (and training) small, where GPT-2's
/// 50,257-token vocabulary would dominate the cost of a tiny model.
/// </summary>
internal sealed class WordTokenizer : ITokenizer
{
    private const string EndOfText = "<|endoftext|>";
    private const string Unknown = "<unk>";
    private readonly List<string> _words = [EndOfText, Unknown];
    private readonly Dictionary<string, int> _ids = new(StringComparer.Ordinal) { [EndOfText] = 0, [Unknown] = 1 };

    /// <summary>Creates a tokenizer whose vocabulary is every word of <paramref name="corpus"/>.</summary>
    public WordTokenizer(IEnumerable<string> corpus)
    {
        foreach (var text in corpus)
        {
            foreach (var word in Split(text))
            {
                if (_ids.TryAdd(word, _words.Count))
                {
                    _words.Add(word);
                }
            }
        }

        SpecialTokens = new Dictionary<string, int> { [EndOfText] = 0 };
    }

    public int VocabularySize => _words.Count;

    public int? EndOfTextId => 0;

    public int? BeginningOfSequenceId => 0;

    public int? PaddingId => null;

    public IReadOnlyDictionary<string, int> SpecialTokens { get; }

    public int[] EncodeToIds(string text, bool allowSpecialTokens = false) =>
        [.. Split(text).Select(w => _ids.TryGetValue(w, out var id) && (id != 0 || allowSpecialTokens) ? id : 1)];

    public int CountTokens(string text, bool allowSpecialTokens = false) => Split(text).Length;

    public string Decode(IEnumerable<int> ids, bool skipSpecialTokens = false) =>
        string.Join(' ', ids.Where(id => !(skipSpecialTokens && id == 0)).Select(id => _words[id]));

    public string Decode(ReadOnlySpan<int> ids, bool skipSpecialTokens = false) => Decode(ids.ToArray(), skipSpecialTokens);

    public int? TokenToId(string token) => _ids.TryGetValue(token, out var id) ? id : null;

    public string? IdToToken(int id) => (uint)id < (uint)_words.Count ? _words[id] : null;

    private static string[] Split(string text)
    {
        var spaced = text.ToLowerInvariant();
        foreach (var mark in ".,?!:")
        {
            spaced = spaced.Replace(mark.ToString(), $" {mark} ", StringComparison.Ordinal);
        }

        return spaced.Split([' ', '\n', '\t', '\r'], StringSplitOptions.RemoveEmptyEntries);
    }
}
