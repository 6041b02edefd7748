using Alignment.Models.Tokenization.Bpe;
using Alignment.Models.Tokenization.Loading;
using Alignment.Models.Tokenization.Special;

namespace Alignment.Models.Tokenization;

/// <summary>
/// The GPT-2 byte-level BPE tokenizer: text is split by the GPT-2 pre-tokenization pattern,
/// each piece is UTF-8 encoded, its bytes are written in the GPT-2 byte-level alphabet and BPE
/// merges are applied by rank. Decoding reverses the byte mapping, so
/// <c>Decode(EncodeToIds(s)) == s</c> for every string without lone surrogates.
/// </summary>
/// <remarks>
/// Instances are immutable apart from an internal word cache, and every member is safe to call
/// from several threads at once. Load one with <see cref="FromFiles"/>, <see cref="FromStreams"/>,
/// <see cref="FromTokenizerJson(string, ByteLevelBpeTokenizerOptions?)"/> or <see cref="FromDirectory"/>.
/// Lone surrogates in input text are encoded as U+FFFD, as UTF-8 encoding does.
/// </remarks>
public sealed partial class ByteLevelBpeTokenizer : ITokenizer
{
    private readonly ByteLevelBpeModel _model;
    private readonly BpeWordCache _cache;
    private readonly SpecialTokenMatcher? _alwaysMatcher;
    private readonly SpecialTokenMatcher? _allowedMatcher;
    private readonly bool[] _isSpecial;

    private ByteLevelBpeTokenizer(ByteLevelBpeModel model, ByteLevelBpeTokenizerOptions options)
    {
        _model = model;
        _cache = new BpeWordCache(options.CacheCapacity);
        if (model.AlwaysMatchedTokens.Count > 0)
        {
            _alwaysMatcher = new SpecialTokenMatcher(model.AlwaysMatchedTokens);
        }

        var allowed = new Dictionary<string, int>(model.AlwaysMatchedTokens, StringComparer.Ordinal);
        foreach ((string token, int id) in model.SpecialTokens)
        {
            allowed[token] = id;
        }

        if (allowed.Count > 0)
        {
            _allowedMatcher = new SpecialTokenMatcher(allowed);
        }

        _isSpecial = new bool[model.IdToToken.Length];
        foreach (int id in model.SpecialTokens.Values)
        {
            _isSpecial[id] = true;
        }

        EndOfTextId = model.IdOf(options.EndOfTextToken);
        BeginningOfSequenceId = model.IdOf(options.BeginningOfSequenceToken);
        PaddingId = model.IdOf(options.PaddingToken);
    }

    /// <inheritdoc/>
    /// <remarks>50,257 for GPT-2.</remarks>
    public int VocabularySize => _model.IdToToken.Length;

    /// <inheritdoc/>
    /// <remarks>The id of <see cref="ByteLevelBpeTokenizerOptions.EndOfTextToken"/> (50256 for GPT-2).</remarks>
    public int? EndOfTextId { get; }

    /// <inheritdoc/>
    /// <remarks>The id of <see cref="ByteLevelBpeTokenizerOptions.BeginningOfSequenceToken"/> (50256 for GPT-2).</remarks>
    public int? BeginningOfSequenceId { get; }

    /// <inheritdoc/>
    /// <remarks>The id of <see cref="ByteLevelBpeTokenizerOptions.PaddingToken"/> (none for GPT-2 by default).</remarks>
    public int? PaddingId { get; }

    /// <inheritdoc/>
    public IReadOnlyDictionary<string, int> SpecialTokens => _model.SpecialTokens;

    /// <summary>The number of words currently in the encoder's cache (for diagnostics).</summary>
    public int CachedWordCount => _cache.Count;

    /// <inheritdoc/>
    /// <remarks>Vocabulary tokens are spelled in the byte-level alphabet, for example <c>"Ġthe"</c> for " the".</remarks>
    public int? TokenToId(string token)
    {
        ArgumentNullException.ThrowIfNull(token);
        return _model.IdOf(token);
    }

    /// <inheritdoc/>
    public string? IdToToken(int id) => (uint)id < (uint)_model.IdToToken.Length ? _model.IdToToken[id] : null;

    /// <summary>Empties the encoder's word cache (for example before measuring cold-cache speed).</summary>
    public void ClearCache() => _cache.Clear();
}
