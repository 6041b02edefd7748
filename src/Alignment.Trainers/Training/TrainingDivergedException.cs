namespace Alignment.Trainers.Training;

/// <summary>
/// Thrown when a training step produces a loss or a gradient norm that is NaN or infinite. The step is not applied:
/// the model keeps the weights of the previous step.
/// </summary>
public sealed class TrainingDivergedException : Exception
{
    /// <summary>Creates an exception with a default message.</summary>
    public TrainingDivergedException()
        : base("Training diverged: a loss or gradient became NaN or infinite.")
    {
    }

    /// <summary>Creates an exception with the given message.</summary>
    /// <param name="message">What happened.</param>
    public TrainingDivergedException(string message)
        : base(message)
    {
    }

    /// <summary>Creates an exception with the given message and cause.</summary>
    /// <param name="message">What happened.</param>
    /// <param name="innerException">The cause, or <see langword="null"/>.</param>
    public TrainingDivergedException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Creates an exception for a step whose <paramref name="quantity"/> became <paramref name="value"/>.</summary>
    /// <param name="step">The 1-based optimizer step that failed.</param>
    /// <param name="quantity">What was not finite ("loss", "gradient norm").</param>
    /// <param name="value">Its value.</param>
    public TrainingDivergedException(int step, string quantity, double value)
        : base(Invariant.Format($"Training stopped at step {step}: the {quantity} is {value}. The step was not applied, so the model keeps the weights after step {step - 1}. Lower the learning rate, enable gradient clipping, or check the data and the model for NaN."))
    {
        Step = step;
        Quantity = quantity;
        Value = value;
    }

    /// <summary>The 1-based optimizer step that failed, when known.</summary>
    public int? Step { get; }

    /// <summary>What was not finite ("loss", "gradient norm"), when known.</summary>
    public string? Quantity { get; }

    /// <summary>The non-finite value, when known.</summary>
    public double? Value { get; }
}
