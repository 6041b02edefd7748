namespace Alignment.Optim;

/// <summary>
/// Everything an optimizer needs to resume bit-exactly, in a plain serialisable form (see
/// <see cref="Optimizer.StateDict"/>). The buffers map directly to a tensor file such as safetensors.
/// </summary>
public sealed class OptimizerState
{
    /// <summary>The optimizer's type name ("AdamW", "Sgd"); loading checks it. The default value is "".</summary>
    public string Optimizer { get; init; } = string.Empty;

    /// <summary>The number of <see cref="Alignment.Optim.Optimizer.Step"/> calls. The default value is 0.</summary>
    public long Step { get; init; }

    /// <summary>
    /// Scalar hyperparameters: "lr" (the base learning rate) and, for each group i,
    /// "group.i.weight_decay" and "group.i.lr_scale". The default value is an empty dictionary.
    /// </summary>
    public Dictionary<string, double> Scalars { get; init; } = new(StringComparer.Ordinal);

    /// <summary>
    /// The update count of each parameter that has been updated, by parameter name.
    /// The default value is an empty dictionary.
    /// </summary>
    public Dictionary<string, long> ParameterSteps { get; init; } = new(StringComparer.Ordinal);

    /// <summary>
    /// The state buffers, keyed "parameter name.buffer name" ("h.0.attn.c_attn.weight.exp_avg"),
    /// each with the parameter's element count, row-major. The default value is an empty dictionary.
    /// </summary>
    public Dictionary<string, float[]> Buffers { get; init; } = new(StringComparer.Ordinal);
}
