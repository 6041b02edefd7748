namespace Alignment.Models.Tokenization.Loading;

/// <summary>One merge rule as read from a file, with where it was found for error messages.</summary>
/// <param name="Left">The left symbol, in byte-level form.</param>
/// <param name="Right">The right symbol, in byte-level form.</param>
/// <param name="Location">Where the rule is, for example <c>line 7</c> or <c>model.merges[5]</c>.</param>
/// <param name="LineNumber">The 1-based line of the rule, when the file is line-based.</param>
internal readonly record struct MergeEntry(string Left, string Right, string Location, int? LineNumber);
