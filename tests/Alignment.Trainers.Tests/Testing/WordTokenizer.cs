using Alignment.Models.Tokenization;

namespace Alignment.Trainers.Tests.Testing;

/// <summary>A word-level tokenizer over a fixed vocabulary: words split on spaces, unknown words map to "&lt;unk&gt;".</summary>
internal sealed class WordTokenizer : ITokenizer
{
    public const string EndOfText = "<eos>";
    public const string Unknown = "<unk>";
    private readonly string[] _words;
    private readonly Dictionary<string, int> _ids;

    public WordTokenizer(IEnumerable<string> words)
    {
        _words = [EndOfText, Unknown, .. words];
        _ids = _words.Select((w, i) => (w, i)).ToDictionary(p => p.w, p => p.i, StringComparer.Ordinal);
        SpecialTokens = new Dictionary<string, int> { [EndOfText] = 0 };
    }

    public int VocabularySize => _words.Length;

    public int? EndOfTextId => 0;

    public int? BeginningOfSequenceId => null;

    public int? PaddingId => null;

    public IReadOnlyDictionary<string, int> SpecialTokens { get; }

    public int[] EncodeToIds(string text, bool allowSpecialTokens = false) =>
        text.Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(w => _ids.TryGetValue(w, out var id) && (id != 0 || allowSpecialTokens) ? id : 1).ToArray();

    public int CountTokens(string text, bool allowSpecialTokens = false) => EncodeToIds(text, allowSpecialTokens).Length;

    public string Decode(IEnumerable<int> ids, bool skipSpecialTokens = false) =>
        string.Join(' ', ids.Where(id => !(skipSpecialTokens && id == 0)).Select(id => _words[id]));

    public string Decode(ReadOnlySpan<int> ids, bool skipSpecialTokens = false) => Decode(ids.ToArray(), skipSpecialTokens);

    public int? TokenToId(string token) => _ids.TryGetValue(token, out var id) ? id : null;

    public string? IdToToken(int id) => (uint)id < (uint)_words.Length ? _words[id] : null;
}
