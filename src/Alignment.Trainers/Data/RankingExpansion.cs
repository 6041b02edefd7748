namespace Alignment.Trainers.Data;

/// <summary>How a ranking of k completions becomes preference pairs.</summary>
public enum RankingExpansion
{
    /// <summary>Every one of the k(k − 1)/2 pairs, the better-ranked completion chosen (InstructGPT, KoChatGPT).</summary>
    AllPairs,

    /// <summary>The best-ranked completion against each of the k − 1 others.</summary>
    BestVersusRest,
}
