using Alignment.Optim;

namespace Alignment.Trainers.Training;

/// <summary>Makes the Core schedule for a <see cref="LearningRateScheduleKind"/>.</summary>
internal static class LearningRateSchedules
{
    /// <summary>
    /// The warm-up length: <paramref name="warmupSteps"/> when positive, else ceil(<paramref name="warmupRatio"/> · total)
    /// (Hugging Face's rule), never more than the total.
    /// </summary>
    public static int WarmupSteps(int warmupSteps, double warmupRatio, int totalSteps) =>
        Math.Min(totalSteps, warmupSteps > 0 ? warmupSteps : (int)Math.Ceiling(warmupRatio * totalSteps));

    public static ILearningRateSchedule Create(LearningRateScheduleKind kind, int warmupSteps, int totalSteps) => kind switch
    {
        LearningRateScheduleKind.Constant => new ConstantWithWarmupSchedule(warmupSteps),
        LearningRateScheduleKind.Linear => new LinearWithWarmupSchedule(warmupSteps, totalSteps),
        LearningRateScheduleKind.Cosine => new CosineWithWarmupSchedule(warmupSteps, totalSteps),
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "Unknown learning-rate schedule."),
    };
}
