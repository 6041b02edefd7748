using System.Buffers;
using System.Text;
using Alignment.Models.Tokenization.Bpe;
using Alignment.Models.Tokenization.PreTokenization;
using Alignment.Models.Tokenization.Special;

namespace Alignment.Models.Tokenization;

/// <content>Encoding: text to token ids.</content>
public sealed partial class ByteLevelBpeTokenizer
{
    private const int StackBytes = 192;

    /// <inheritdoc/>
    public int[] EncodeToIds(string text, bool allowSpecialTokens = false)
    {
        ArgumentNullException.ThrowIfNull(text);
        var ids = new List<int>((text.Length / 4) + 4);
        EncodeCore(text, allowSpecialTokens, ids);
        return [.. ids];
    }

    /// <summary>Encodes <paramref name="text"/> and appends its ids to <paramref name="destination"/>.</summary>
    /// <param name="text">The text to encode.</param>
    /// <param name="destination">The list the ids are appended to.</param>
    /// <param name="allowSpecialTokens">As for <see cref="EncodeToIds(string, bool)"/>; default <see langword="false"/>.</param>
    /// <returns>The number of ids appended.</returns>
    public int EncodeToIds(ReadOnlySpan<char> text, List<int> destination, bool allowSpecialTokens = false)
    {
        ArgumentNullException.ThrowIfNull(destination);
        return EncodeCore(text, allowSpecialTokens, destination);
    }

    /// <inheritdoc/>
    public int CountTokens(string text, bool allowSpecialTokens = false)
    {
        ArgumentNullException.ThrowIfNull(text);
        return EncodeCore(text, allowSpecialTokens, null);
    }

    /// <summary>Counts the tokens of <paramref name="text"/> without allocating them.</summary>
    /// <param name="text">The text to measure.</param>
    /// <param name="allowSpecialTokens">As for <see cref="EncodeToIds(string, bool)"/>; default <see langword="false"/>.</param>
    public int CountTokens(ReadOnlySpan<char> text, bool allowSpecialTokens = false) => EncodeCore(text, allowSpecialTokens, null);

    private int EncodeCore(ReadOnlySpan<char> text, bool allowSpecialTokens, List<int>? destination)
    {
        SpecialTokenMatcher? matcher = allowSpecialTokens ? _allowedMatcher : _alwaysMatcher;
        if (matcher is null)
        {
            return EncodeOrdinary(text, destination);
        }

        Span<int> next = matcher.Count <= 16 ? stackalloc int[16] : new int[matcher.Count];
        next = next[..matcher.Count];
        SpecialTokenMatcher.Reset(next);
        int count = 0;
        int position = 0;
        while (matcher.FindNext(text, position, next, out int start, out int length, out int id))
        {
            count += EncodeOrdinary(text[position..start], destination) + 1;
            destination?.Add(id);
            position = start + length;
        }

        return count + EncodeOrdinary(text[position..], destination);
    }

    private int EncodeOrdinary(ReadOnlySpan<char> text, List<int>? destination)
    {
        int count = 0;
        while (!text.IsEmpty)
        {
            int length = Gpt2PreTokenizer.NextPieceLength(text);
            count += EncodeWord(text[..length], destination);
            text = text[length..];
        }

        return count;
    }

    private int EncodeWord(ReadOnlySpan<char> word, List<int>? destination)
    {
        if (word.Length == 1 && word[0] < 128)
        {
            destination?.Add(_model.ByteToId[word[0]]);
            return 1;
        }

        if (_cache.TryGet(word, out int[] cached))
        {
            destination?.AddRange(cached.AsSpan());
            return cached.Length;
        }

        byte[]? rentedBytes = null;
        int[]? rentedSymbols = null;
        try
        {
            int maxBytes = Encoding.UTF8.GetMaxByteCount(word.Length);
            Span<byte> bytes = maxBytes <= StackBytes
                ? stackalloc byte[StackBytes]
                : (rentedBytes = ArrayPool<byte>.Shared.Rent(maxBytes));
            int byteCount = Encoding.UTF8.GetBytes(word, bytes);
            Span<int> symbols = byteCount <= StackBytes
                ? stackalloc int[StackBytes]
                : (rentedSymbols = ArrayPool<int>.Shared.Rent(byteCount));
            symbols = symbols[..byteCount];
            int[] byteToId = _model.ByteToId;
            for (int i = 0; i < byteCount; i++)
            {
                symbols[i] = byteToId[bytes[i]];
            }

            ReadOnlySpan<int> ids = symbols[..BpeWordEncoder.Encode(_model.Merges, symbols)];
            destination?.AddRange(ids);
            _cache.Add(word, ids);
            return ids.Length;
        }
        finally
        {
            if (rentedBytes is not null)
            {
                ArrayPool<byte>.Shared.Return(rentedBytes);
            }

            if (rentedSymbols is not null)
            {
                ArrayPool<int>.Shared.Return(rentedSymbols);
            }
        }
    }
}
