namespace Alignment.Models.Generation;

/// <summary>
/// The output of the text overload of <see cref="Generator"/>: the token-level <see cref="GenerationResult"/> and each
/// row's response decoded to text.
/// </summary>
public sealed class TextGenerationResult
{
    internal TextGenerationResult(GenerationResult tokens, IReadOnlyList<string> responses)
    {
        Tokens = tokens;
        Responses = responses;
    }

    /// <summary>The generated ids, masks and log-probabilities.</summary>
    public GenerationResult Tokens { get; }

    /// <summary>Each row's generated tokens decoded to text, without the stop token that ended the row (if any).</summary>
    public IReadOnlyList<string> Responses { get; }
}
