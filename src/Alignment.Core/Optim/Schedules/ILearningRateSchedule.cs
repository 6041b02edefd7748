namespace Alignment.Optim;

/// <summary>
/// A learning-rate schedule: the factor on the base learning rate at each step, as the multiplier
/// functions of Hugging Face's schedules (applied by <see cref="LearningRateScheduler"/>).
/// </summary>
public interface ILearningRateSchedule
{
    /// <summary>The factor on the base learning rate for optimizer step <paramref name="step"/> (from 0).</summary>
    /// <param name="step">The number of optimizer steps taken so far, not negative.</param>
    /// <returns>The factor, usually in [0, 1].</returns>
    double GetFactor(int step);
}
