using Alignment.Models.Tokenization;
using Alignment.Trainers.Data;

namespace Alignment.Trainers.Collation;

/// <summary>
/// Tokenises preference pairs and pads them into <see cref="PreferenceBatch"/>es. The prompt and each response are
/// encoded separately and their ids concatenated (so the prompt cut falls on a token boundary). A sequence longer than
/// <see cref="MaxLength"/> is cut from the left: <b>the prompt's beginning goes first</b>, and only when the response
/// alone is too long, the response's beginning; the response's end, where the reward is read, is never lost.
/// </summary>
public sealed class PreferenceCollator
{
    private readonly ITokenizer _tokenizer;

    /// <summary>Creates a collator.</summary>
    /// <param name="tokenizer">The tokenizer of the reward model.</param>
    /// <param name="maxLength">The most tokens per sequence (prompt + response), at least 1.</param>
    /// <param name="appendEndOfText">
    /// Whether the tokenizer's end-of-text token ends every response (OpenRLHF, DeepSpeed-Chat), so that last-token
    /// pooling reads the reward at a fixed token. The default value is false (TRL).
    /// </param>
    public PreferenceCollator(ITokenizer tokenizer, int maxLength, bool appendEndOfText = false)
    {
        ArgumentNullException.ThrowIfNull(tokenizer);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxLength, 1);
        if (appendEndOfText && tokenizer.EndOfTextId is null)
        {
            throw new ArgumentException("The tokenizer has no end-of-text token to append.", nameof(appendEndOfText));
        }

        _tokenizer = tokenizer;
        MaxLength = maxLength;
        AppendEndOfText = appendEndOfText;
        PaddingId = tokenizer.PaddingId ?? tokenizer.EndOfTextId ?? 0;
    }

    /// <summary>The most tokens per sequence.</summary>
    public int MaxLength { get; }

    /// <summary>Whether the end-of-text token ends every response.</summary>
    public bool AppendEndOfText { get; }

    /// <summary>
    /// The id written into padding positions: the tokenizer's padding id, else its end-of-text id, else 0. Padding is
    /// masked out, so its value does not matter (padding equal to end-of-text does not confuse last-token pooling).
    /// </summary>
    public int PaddingId { get; }

    /// <summary>The ids of prompt + response, truncated as described on the class.</summary>
    /// <param name="prompt">The prompt.</param>
    /// <param name="response">The response.</param>
    /// <returns>At most <see cref="MaxLength"/> ids.</returns>
    public int[] Encode(string prompt, string response) => Encode(prompt, response, out _);

    /// <summary>Tokenises one pair.</summary>
    /// <param name="pair">The pair.</param>
    /// <returns>The token ids of both sequences.</returns>
    public TokenizedPreference Tokenize(PreferencePair pair)
    {
        ArgumentNullException.ThrowIfNull(pair);
        var chosen = Encode(pair.Prompt, pair.Chosen, out var chosenCut);
        var rejected = Encode(pair.Prompt, pair.Rejected, out var rejectedCut);
        return new TokenizedPreference(chosen, rejected, pair.Margin, chosenCut || rejectedCut);
    }

    /// <summary>Tokenises and pads pairs into one batch.</summary>
    /// <param name="pairs">At least one pair.</param>
    /// <returns>The batch.</returns>
    public PreferenceBatch Collate(IReadOnlyList<PreferencePair> pairs)
    {
        ArgumentNullException.ThrowIfNull(pairs);
        return Collate(pairs.Select(Tokenize).ToArray());
    }

    /// <summary>Pads tokenised pairs into one [2B, T] batch (chosen rows first), T being the longest sequence.</summary>
    /// <param name="pairs">At least one pair.</param>
    /// <returns>The batch.</returns>
    public PreferenceBatch Collate(IReadOnlyList<TokenizedPreference> pairs)
    {
        ArgumentNullException.ThrowIfNull(pairs);
        if (pairs.Count == 0)
        {
            throw new ArgumentException("A batch needs at least one pair.", nameof(pairs));
        }

        var b = pairs.Count;
        var sequences = new int[2 * b][];
        var margins = new float[b];              // [B]
        for (var i = 0; i < b; i++)
        {
            sequences[i] = pairs[i].ChosenIds;
            sequences[b + i] = pairs[i].RejectedIds;
            margins[i] = pairs[i].Margin;
        }

        var (ids, mask) = Pad(sequences, PaddingId);
        return new PreferenceBatch(ids, mask, margins);
    }

    /// <summary>Right-pads sequences to the longest one (at least 1) and marks the real tokens.</summary>
    /// <param name="sequences">N token-id sequences.</param>
    /// <param name="paddingId">The id written into padding positions.</param>
    /// <returns>Token ids [N, T] and the mask [N, T] (1 = real token).</returns>
    public static (IntTensor InputIds, IntTensor AttentionMask) Pad(ReadOnlySpan<int[]> sequences, int paddingId)
    {
        var t = 1;
        foreach (var sequence in sequences)
        {
            ArgumentNullException.ThrowIfNull(sequence, nameof(sequences));
            t = Math.Max(t, sequence.Length);
        }

        var ids = new IntTensor(sequences.Length, t);    // [N, T]
        var mask = new IntTensor(sequences.Length, t);   // [N, T]
        ids.Data.AsSpan().Fill(paddingId);
        for (var row = 0; row < sequences.Length; row++)
        {
            sequences[row].CopyTo(ids.Data.AsSpan(row * t));
            mask.Data.AsSpan(row * t, sequences[row].Length).Fill(1);
        }

        return (ids, mask);
    }

    private int[] Encode(string prompt, string response, out bool truncated)
    {
        ArgumentNullException.ThrowIfNull(prompt);
        ArgumentNullException.ThrowIfNull(response);
        var promptIds = prompt.Length == 0 ? [] : _tokenizer.EncodeToIds(prompt);
        var responseIds = _tokenizer.EncodeToIds(response);
        if (AppendEndOfText)
        {
            responseIds = [.. responseIds, _tokenizer.EndOfTextId!.Value];
        }

        return SequenceTruncation.Join(promptIds, responseIds, MaxLength, out truncated);
    }
}
