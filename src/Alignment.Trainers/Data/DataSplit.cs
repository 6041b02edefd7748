namespace Alignment.Trainers.Data;

/// <summary>A data set split into a training part and a held-out evaluation part.</summary>
/// <typeparam name="T">The record type.</typeparam>
/// <param name="Train">The training records.</param>
/// <param name="Evaluation">The held-out records.</param>
public sealed record DataSplit<T>(IReadOnlyList<T> Train, IReadOnlyList<T> Evaluation);
