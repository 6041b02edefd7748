namespace Alignment.Kernels;

/// <summary>Scalar settings of an attention forward call.</summary>
internal readonly record struct AttentionOptions(float Scale, bool Causal, int QueryOffset);
