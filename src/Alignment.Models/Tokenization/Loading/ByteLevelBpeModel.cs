using System.Collections.Frozen;
using System.Text;
using Alignment.Models.Tokenization.Bpe;
using Alignment.Models.Tokenization.ByteLevel;

namespace Alignment.Models.Tokenization.Loading;

/// <summary>The validated, lookup-ready tables of a byte-level BPE tokenizer.</summary>
internal sealed class ByteLevelBpeModel
{
    private ByteLevelBpeModel(
        Dictionary<string, int> tokenToId,
        string?[] idToToken,
        byte[]?[] idToBytes,
        int[] byteToId,
        BpeMergeTable merges)
    {
        TokenToId = tokenToId;
        IdToToken = idToToken;
        IdToBytes = idToBytes;
        ByteToId = byteToId;
        Merges = merges;
    }

    /// <summary>Every token (vocabulary spelling and added-token content) to its id.</summary>
    public Dictionary<string, int> TokenToId { get; }

    /// <summary>Id to token; <see langword="null"/> where no token has the id.</summary>
    public string?[] IdToToken { get; }

    /// <summary>Id to the bytes the token stands for; <see langword="null"/> where no token has the id.</summary>
    public byte[]?[] IdToBytes { get; }

    /// <summary>Byte value to the id of its single-byte token.</summary>
    public int[] ByteToId { get; }

    /// <summary>The merge rules.</summary>
    public BpeMergeTable Merges { get; }

    /// <summary>The special tokens.</summary>
    public FrozenDictionary<string, int> SpecialTokens { get; private set; } = FrozenDictionary<string, int>.Empty;

    /// <summary>Added tokens that are not special: recognised in text whether or not special tokens are allowed.</summary>
    public FrozenDictionary<string, int> AlwaysMatchedTokens { get; private set; } = FrozenDictionary<string, int>.Empty;

    /// <summary>Validates the file content and builds the tables.</summary>
    /// <exception cref="TokenizerFormatException">The content is inconsistent.</exception>
    /// <exception cref="ArgumentException">A special token named in <paramref name="options"/> is not in the vocabulary.</exception>
    public static ByteLevelBpeModel Build(TokenizerFileContent content, ByteLevelBpeTokenizerOptions options)
    {
        Dictionary<string, int> vocabulary = content.Vocabulary;
        int size = 0;
        foreach (int id in vocabulary.Values)
        {
            size = Math.Max(size, id + 1);
        }

        foreach (AddedTokenEntry added in content.AddedTokens)
        {
            size = Math.Max(size, added.Id + 1);
        }

        var idToToken = new string?[size];
        var idToBytes = new byte[]?[size];
        foreach ((string token, int id) in vocabulary)
        {
            idToToken[id] = token;
            idToBytes[id] = ToBytes(token);
        }

        int[] byteToId = BuildByteToId(vocabulary, content.VocabularySource);
        BpeMergeTable merges = BpeMergeTable.Build(content.Merges, vocabulary, content.MergesSource);
        var tokenToId = new Dictionary<string, int>(vocabulary, StringComparer.Ordinal);
        var special = new Dictionary<string, int>(StringComparer.Ordinal);
        var always = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (AddedTokenEntry added in content.AddedTokens)
        {
            AddAddedToken(added, content.VocabularySource, tokenToId, idToToken);
            idToBytes[added.Id] = Encoding.UTF8.GetBytes(added.Content);
            (added.Special ? special : always)[added.Content] = added.Id;
        }

        var model = new ByteLevelBpeModel(tokenToId, idToToken, idToBytes, byteToId, merges);
        model.AddNamedSpecialTokens(options, special);
        foreach (string token in special.Keys)
        {
            always.Remove(token);
        }

        model.SpecialTokens = special.ToFrozenDictionary(StringComparer.Ordinal);
        model.AlwaysMatchedTokens = always.ToFrozenDictionary(StringComparer.Ordinal);
        return model;
    }

    /// <summary>The id of <paramref name="token"/>, or <see langword="null"/>.</summary>
    public int? IdOf(string? token) => token is not null && TokenToId.TryGetValue(token, out int id) ? id : null;

    private void AddNamedSpecialTokens(ByteLevelBpeTokenizerOptions options, Dictionary<string, int> special)
    {
        foreach (string token in options.SpecialTokens ?? [])
        {
            special[token] = IdOf(token) ?? throw new ArgumentException(
                $"The special token {ErrorText.Quote(token)} is not in the vocabulary.", nameof(options));
        }

        foreach (string? token in (string?[])[options.EndOfTextToken, options.BeginningOfSequenceToken, options.PaddingToken])
        {
            if (IdOf(token) is int id)
            {
                special[token!] = id;
            }
        }
    }

    private static void AddAddedToken(AddedTokenEntry added, string source, Dictionary<string, int> tokenToId, string?[] idToToken)
    {
        if (tokenToId.TryGetValue(added.Content, out int existing) && existing != added.Id)
        {
            throw new TokenizerFormatException(
                $"{source}, {added.Location}: token {ErrorText.Quote(added.Content)} has id {added.Id} here but {existing} in the vocabulary",
                source,
                null);
        }

        string? holder = idToToken[added.Id];
        if (holder is not null && holder != added.Content)
        {
            throw new TokenizerFormatException(
                $"{source}, {added.Location}: id {added.Id} of {ErrorText.Quote(added.Content)} already belongs to {ErrorText.Quote(holder)}",
                source,
                null);
        }

        tokenToId[added.Content] = added.Id;
        idToToken[added.Id] = added.Content;
    }

    private static int[] BuildByteToId(Dictionary<string, int> vocabulary, string source)
    {
        var byteToId = new int[256];
        for (int b = 0; b < 256; b++)
        {
            string symbol = ByteUnicodeMap.ToChar((byte)b).ToString();
            if (!vocabulary.TryGetValue(symbol, out byteToId[b]))
            {
                throw new TokenizerFormatException(
                    $"{source}: the vocabulary lacks {ErrorText.Quote(symbol)}, the symbol of byte 0x{b:X2}; a byte-level BPE vocabulary must hold all 256 byte symbols",
                    source,
                    null);
            }
        }

        return byteToId;
    }

    /// <summary>
    /// The bytes a vocabulary token stands for: each byte-level character gives its byte; any
    /// other character (not expected in a byte-level vocabulary) gives its own UTF-8 encoding.
    /// </summary>
    private static byte[] ToBytes(string token)
    {
        var bytes = new List<byte>(token.Length);
        int i = 0;
        while (i < token.Length)
        {
            int value = ByteUnicodeMap.ToByte(token[i]);
            if (value >= 0)
            {
                bytes.Add((byte)value);
                i++;
                continue;
            }

            int start = i;
            while (i < token.Length && ByteUnicodeMap.ToByte(token[i]) < 0)
            {
                i++;
            }

            bytes.AddRange(Encoding.UTF8.GetBytes(token[start..i]));
        }

        return [.. bytes];
    }
}
