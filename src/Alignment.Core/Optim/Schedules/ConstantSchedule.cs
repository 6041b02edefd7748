namespace Alignment.Optim;

/// <summary>The base learning rate at every step (factor 1; Hugging Face's get_constant_schedule).</summary>
public sealed class ConstantSchedule : ILearningRateSchedule
{
    /// <inheritdoc/>
    public double GetFactor(int step)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(step);
        return 1;
    }
}
