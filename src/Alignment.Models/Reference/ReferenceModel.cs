using Alignment.Models.Gpt2;
using Alignment.Models.Heads;

namespace Alignment.Models.Reference;

/// <summary>
/// The reference model of RLHF: a frozen copy of the policy taken before training, against which the KL penalty is
/// measured. The copy owns its weights, so later updates of the policy do not reach it.
/// </summary>
public static class ReferenceModel
{
    /// <summary>
    /// Deep-copies <paramref name="policy"/> into a new model with the same configuration, freezes every parameter
    /// (no gradients are computed or kept) and switches it to evaluation mode (no dropout).
    /// </summary>
    /// <param name="policy">The model to copy.</param>
    /// <returns>The reference model.</returns>
    public static Gpt2LanguageModel CreateFrom(Gpt2LanguageModel policy)
    {
        ArgumentNullException.ThrowIfNull(policy);
        var reference = new Gpt2LanguageModel(policy.Config, seed: 0, initialize: false);
        reference.LoadStateDict(policy.StateDict());
        reference.Freeze();
        reference.Eval();
        return reference;
    }

    /// <summary>The reference model of a policy with a value head: a frozen copy of its language model (the head is not needed).</summary>
    /// <param name="policy">The model to copy.</param>
    /// <returns>The reference model.</returns>
    public static Gpt2LanguageModel CreateFrom(CausalLmWithValueHead policy)
    {
        ArgumentNullException.ThrowIfNull(policy);
        return CreateFrom(policy.LanguageModel);
    }
}
