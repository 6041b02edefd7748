namespace Alignment.Trainers.Training;

/// <summary>The learning-rate schedules a trainer can use, each after an optional linear warm-up.</summary>
public enum LearningRateScheduleKind
{
    /// <summary>The base learning rate after the warm-up (Hugging Face's constant_with_warmup).</summary>
    Constant,

    /// <summary>Linear decay to 0 at the last step after the warm-up (Hugging Face's linear, its default).</summary>
    Linear,

    /// <summary>Half a cosine from the base learning rate to 0 at the last step after the warm-up (Hugging Face's cosine).</summary>
    Cosine,
}
