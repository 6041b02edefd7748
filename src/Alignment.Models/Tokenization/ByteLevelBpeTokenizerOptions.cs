namespace Alignment.Models.Tokenization;

/// <summary>Settings for loading a <see cref="ByteLevelBpeTokenizer"/>. The defaults suit GPT-2.</summary>
public sealed class ByteLevelBpeTokenizerOptions
{
    /// <summary>The text of the GPT-2 end-of-text token, <c>&lt;|endoftext|&gt;</c>.</summary>
    public const string Gpt2EndOfText = "<|endoftext|>";

    /// <summary>
    /// Extra tokens to treat as special. Each must be in the vocabulary (or, for tokenizer.json,
    /// in <c>added_tokens</c>). Default <see langword="null"/>: none beyond the defaults, which are
    /// the <c>added_tokens</c> flagged special in a tokenizer.json, and the end-of-text,
    /// beginning-of-sequence and padding tokens below when the vocabulary has them.
    /// </summary>
    public IReadOnlyList<string>? SpecialTokens { get; init; }

    /// <summary>
    /// The end-of-text token, special when present. Default <c>&lt;|endoftext|&gt;</c>;
    /// <see langword="null"/> for none.
    /// </summary>
    public string? EndOfTextToken { get; init; } = Gpt2EndOfText;

    /// <summary>
    /// The beginning-of-sequence token, special when present. Default <c>&lt;|endoftext|&gt;</c>
    /// (GPT-2 uses one token for both); <see langword="null"/> for none.
    /// </summary>
    public string? BeginningOfSequenceToken { get; init; } = Gpt2EndOfText;

    /// <summary>
    /// The padding token, special when present. Default <see langword="null"/>: GPT-2 has no
    /// padding token (trainers commonly pad with the end-of-text id and mask it out).
    /// </summary>
    public string? PaddingToken { get; init; }

    /// <summary>
    /// About how many distinct words the encoder caches (default 50,000; 0 disables the cache).
    /// The cache is emptied when full.
    /// </summary>
    public int CacheCapacity { get; init; } = 50_000;
}
