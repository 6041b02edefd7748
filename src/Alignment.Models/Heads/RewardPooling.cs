namespace Alignment.Models.Heads;

/// <summary>How a reward model turns per-token values into one reward per sequence.</summary>
public enum RewardPooling
{
    /// <summary>The value at the last non-padding token (TRL, OpenRLHF, DeepSpeed-Chat). Works for left and right padding.</summary>
    LastToken,

    /// <summary>The mean of the values over non-padding tokens (ColossalAI's chat reward model).</summary>
    Mean,
}
