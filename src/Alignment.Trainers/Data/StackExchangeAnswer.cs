namespace Alignment.Trainers.Data;

/// <summary>One answer to a StackExchange question.</summary>
/// <param name="Text">The answer's text; not empty.</param>
/// <param name="Upvotes">The answer's vote count (may be negative).</param>
/// <param name="Accepted">Whether the asker accepted this answer. The default value is false.</param>
public sealed record StackExchangeAnswer(string Text, int Upvotes, bool Accepted = false);
