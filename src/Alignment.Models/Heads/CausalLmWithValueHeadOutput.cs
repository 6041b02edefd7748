namespace Alignment.Models.Heads;

/// <summary>What <see cref="CausalLmWithValueHead.Forward"/> returns: the policy's logits and the value head's values, from one backbone pass.</summary>
/// <param name="Logits">Next-token logits, [B, T, V].</param>
/// <param name="Values">One value per token, [B, T].</param>
public readonly record struct CausalLmWithValueHeadOutput(Tensor Logits, Tensor Values);
