namespace Alignment.Trainers.Data;

/// <summary>A StackExchange question with its answers, the raw material of StackLLaMA's preference pairs.</summary>
/// <param name="Question">The question's text, used as the prompt.</param>
/// <param name="Answers">The answers.</param>
public sealed record StackExchangeQuestion(string Question, IReadOnlyList<StackExchangeAnswer> Answers);
