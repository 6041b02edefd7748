using Alignment.Trainers.Losses;
using Alignment.Trainers.Training;

namespace Alignment.Trainers.RewardModeling;

/// <summary>
/// The settings of a <see cref="RewardModelTrainer"/>. Set them in <see cref="RewardModelTrainerBuilder.Configure"/>;
/// <see cref="RewardModelTrainerBuilder.Build"/> validates them and reports every problem at once.
/// </summary>
public sealed class RewardModelTrainerOptions
{
    /// <summary>The passes over the training pairs, at least 1. The default value is 1.</summary>
    public int Epochs { get; set; } = 1;

    /// <summary>
    /// The pairs per forward pass (a micro-batch); the model scores 2 × <see cref="BatchSize"/> sequences at once,
    /// chosen and rejected together. At least 1. The default value is 8.
    /// </summary>
    public int BatchSize { get; set; } = 8;

    /// <summary>The pairs per forward pass during evaluation and scoring, at least 1, or null for <see cref="BatchSize"/>. The default value is null.</summary>
    public int? EvaluationBatchSize { get; set; }

    /// <summary>
    /// The micro-batches whose gradients are summed before one optimizer step, at least 1, so a step sees
    /// <see cref="BatchSize"/> × <see cref="GradientAccumulationSteps"/> pairs. Each micro-batch's loss is weighted by its
    /// share of the step's pairs, so the step's gradient is that of the mean over all of them. The default value is 1.
    /// </summary>
    public int GradientAccumulationSteps { get; set; } = 1;

    /// <summary>The peak learning rate of AdamW, finite and greater than 0. The default value is 5e-5 (Hugging Face's Trainer default).</summary>
    public double LearningRate { get; set; } = 5e-5;

    /// <summary>
    /// AdamW's decoupled weight decay, finite and not negative, applied to weight matrices only (not to biases,
    /// LayerNorm weights or embeddings). The default value is 0 (Hugging Face's Trainer default).
    /// </summary>
    public double WeightDecay { get; set; }

    /// <summary>The learning-rate schedule after the warm-up. The default value is <see cref="LearningRateScheduleKind.Linear"/>.</summary>
    public LearningRateScheduleKind Schedule { get; set; } = LearningRateScheduleKind.Linear;

    /// <summary>The steps of linear warm-up from 0 to <see cref="LearningRate"/>, not negative; when positive it overrides <see cref="WarmupRatio"/>. The default value is 0.</summary>
    public int WarmupSteps { get; set; }

    /// <summary>The share of all steps used for warm-up (rounded up), in [0, 1]; used when <see cref="WarmupSteps"/> is 0. The default value is 0.</summary>
    public double WarmupRatio { get; set; }

    /// <summary>The largest global gradient norm (larger gradients are scaled down), finite and greater than 0, or null for no clipping. The default value is 1.0.</summary>
    public double? MaxGradNorm { get; set; } = 1.0;

    /// <summary>
    /// The most tokens of prompt + response per sequence, at least 1 and no more than the model's positions. Longer
    /// sequences lose their prompt's beginning first and keep the response's end. The default value is 512.
    /// </summary>
    public int MaxLength { get; set; } = 512;

    /// <summary>Whether the tokenizer's end-of-text token ends every response (OpenRLHF, DeepSpeed-Chat). The default value is false (TRL).</summary>
    public bool AppendEndOfText { get; set; }

    /// <summary>The loss, unless the builder was given a custom one. The default value is <see cref="RewardLossKind.Pairwise"/>.</summary>
    public RewardLossKind Loss { get; set; } = RewardLossKind.Pairwise;

    /// <summary>
    /// The coefficient of TRL's reward-centring term c · mean((r_c + r_r)²), finite and not negative, or null for none;
    /// only the <see cref="RewardLossKind.Pairwise"/> loss uses it. The default value is null.
    /// </summary>
    public float? CenterRewardsCoefficient { get; set; }

    /// <summary>Evaluate on the evaluation data every this many steps (at least 1), or null for only at the end of training. The default value is null.</summary>
    public int? EvaluationSteps { get; set; }

    /// <summary>Log the step statistics every this many steps (and at the last step), at least 1. The default value is 10.</summary>
    public int LoggingSteps { get; set; } = 10;

    /// <summary>The seed of the per-epoch shuffle of the training pairs. The default value is 42.</summary>
    public ulong Seed { get; set; } = 42;

    /// <summary>
    /// The directory that receives checkpoints (subdirectories "checkpoint-{step}" holding model.safetensors,
    /// optimizer.safetensors and trainer_state.json), or null for none. With a directory, a checkpoint is also written
    /// at the end of training and when training is cancelled. The default value is null.
    /// </summary>
    public string? CheckpointDirectory { get; set; }

    /// <summary>Write a checkpoint every this many steps (at least 1; needs <see cref="CheckpointDirectory"/>), or null for only at the end and on cancellation. The default value is null.</summary>
    public int? CheckpointSteps { get; set; }

    /// <summary>
    /// A checkpoint to resume from: a "checkpoint-{step}" directory, or a checkpoint directory (its latest checkpoint is
    /// used), or null to start fresh. The training data, <see cref="Epochs"/>, <see cref="BatchSize"/>,
    /// <see cref="GradientAccumulationSteps"/> and <see cref="Seed"/> must be those of the run that saved it. The default value is null.
    /// </summary>
    public string? ResumeFromCheckpoint { get; set; }

    /// <summary>Checks every value and returns all problems found (none when the options are valid).</summary>
    /// <returns>One sentence per problem.</returns>
    public IReadOnlyList<string> Validate()
    {
        var errors = new List<string>();
        AtLeastOne(errors, nameof(Epochs), Epochs);
        AtLeastOne(errors, nameof(BatchSize), BatchSize);
        AtLeastOne(errors, nameof(EvaluationBatchSize), EvaluationBatchSize);
        AtLeastOne(errors, nameof(GradientAccumulationSteps), GradientAccumulationSteps);
        AtLeastOne(errors, nameof(MaxLength), MaxLength);
        AtLeastOne(errors, nameof(EvaluationSteps), EvaluationSteps);
        AtLeastOne(errors, nameof(LoggingSteps), LoggingSteps);
        AtLeastOne(errors, nameof(CheckpointSteps), CheckpointSteps);
        if (!(double.IsFinite(LearningRate) && LearningRate > 0))
        {
            errors.Add(Invariant.Format($"LearningRate must be finite and greater than 0, got {LearningRate}."));
        }

        if (!(double.IsFinite(WeightDecay) && WeightDecay >= 0))
        {
            errors.Add(Invariant.Format($"WeightDecay must be finite and not negative, got {WeightDecay}."));
        }

        if (!Enum.IsDefined(Schedule))
        {
            errors.Add($"Schedule {Schedule} is not a known schedule.");
        }

        if (WarmupSteps < 0)
        {
            errors.Add(Invariant.Format($"WarmupSteps must not be negative, got {WarmupSteps}."));
        }

        if (!(WarmupRatio >= 0 && WarmupRatio <= 1))
        {
            errors.Add(Invariant.Format($"WarmupRatio must be in [0, 1], got {WarmupRatio}."));
        }

        if (MaxGradNorm is { } norm && !(double.IsFinite(norm) && norm > 0))
        {
            errors.Add(Invariant.Format($"MaxGradNorm must be finite and greater than 0 (or null for no clipping), got {norm}."));
        }

        if (!Enum.IsDefined(Loss))
        {
            errors.Add($"Loss {Loss} is not a known loss.");
        }

        if (CenterRewardsCoefficient is { } c)
        {
            if (!(float.IsFinite(c) && c >= 0))
            {
                errors.Add(Invariant.Format($"CenterRewardsCoefficient must be finite and not negative (or null), got {c}."));
            }
            else if (Loss != RewardLossKind.Pairwise)
            {
                errors.Add($"CenterRewardsCoefficient is used only by the Pairwise loss, but Loss is {Loss}.");
            }
        }

        if (CheckpointSteps is not null && CheckpointDirectory is null)
        {
            errors.Add("CheckpointSteps needs a CheckpointDirectory.");
        }

        if (CheckpointDirectory is { } directory && string.IsNullOrWhiteSpace(directory))
        {
            errors.Add("CheckpointDirectory must not be empty (use null for no checkpoints).");
        }

        if (ResumeFromCheckpoint is { } resume && !Directory.Exists(resume))
        {
            errors.Add($"ResumeFromCheckpoint '{resume}' is not an existing directory.");
        }

        return errors;
    }

    /// <summary>A copy, so that a built trainer does not see later changes.</summary>
    internal RewardModelTrainerOptions Clone() => (RewardModelTrainerOptions)MemberwiseClone();

    private static void AtLeastOne(List<string> errors, string name, int? value)
    {
        if (value is < 1)
        {
            errors.Add(Invariant.Format($"{name} must be at least 1, got {value}."));
        }
    }
}
