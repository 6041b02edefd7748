namespace Alignment.Trainers.Collation;

/// <summary>A preference pair as token ids: prompt + chosen and prompt + rejected, each already truncated.</summary>
/// <param name="ChosenIds">The ids of the prompt followed by the chosen response.</param>
/// <param name="RejectedIds">The ids of the prompt followed by the rejected response.</param>
/// <param name="Margin">The pair's margin.</param>
/// <param name="Truncated">Whether either sequence was cut to fit the maximum length.</param>
public sealed record TokenizedPreference(int[] ChosenIds, int[] RejectedIds, float Margin, bool Truncated)
{
    /// <summary>Whether the two sequences are the same tokens, so that no reward model can tell them apart (the loss stays at ln 2).</summary>
    public bool IsIndistinguishable => ChosenIds.AsSpan().SequenceEqual(RejectedIds);
}
