namespace Alignment.Models.Tokenization.Loading;

/// <summary>An entry of the <c>added_tokens</c> list of a tokenizer.json file.</summary>
/// <param name="Id">The token id.</param>
/// <param name="Content">The literal text of the token.</param>
/// <param name="Special">Whether the token is special (recognised only when special tokens are allowed).</param>
/// <param name="Location">Where the entry is, for example <c>added_tokens[0]</c>.</param>
internal sealed record AddedTokenEntry(int Id, string Content, bool Special, string Location);
