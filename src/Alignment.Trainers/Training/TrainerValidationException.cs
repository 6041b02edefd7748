namespace Alignment.Trainers.Training;

/// <summary>Thrown by a trainer builder's <c>Build()</c> when the configuration is invalid; it lists every problem at once.</summary>
public sealed class TrainerValidationException : Exception
{
    /// <summary>Creates an exception with a default message.</summary>
    public TrainerValidationException()
        : this([])
    {
    }

    /// <summary>Creates an exception with the given message.</summary>
    /// <param name="message">What is wrong.</param>
    public TrainerValidationException(string message)
        : base(message)
    {
        Errors = [message];
    }

    /// <summary>Creates an exception with the given message and cause.</summary>
    /// <param name="message">What is wrong.</param>
    /// <param name="innerException">The cause, or <see langword="null"/>.</param>
    public TrainerValidationException(string message, Exception? innerException)
        : base(message, innerException)
    {
        Errors = [message];
    }

    /// <summary>Creates an exception listing <paramref name="errors"/>.</summary>
    /// <param name="errors">Every problem found, one sentence each.</param>
    public TrainerValidationException(IReadOnlyList<string> errors)
        : base(FormatMessage(errors))
    {
        Errors = errors;
    }

    /// <summary>Every problem found, one sentence each.</summary>
    public IReadOnlyList<string> Errors { get; } = [];

    private static string FormatMessage(IReadOnlyList<string> errors)
    {
        ArgumentNullException.ThrowIfNull(errors);
        return errors.Count == 0
            ? "The trainer configuration is invalid."
            : $"The trainer configuration is invalid ({errors.Count} problem{(errors.Count == 1 ? string.Empty : "s")}):{Environment.NewLine}- {string.Join(Environment.NewLine + "- ", errors)}";
    }
}
