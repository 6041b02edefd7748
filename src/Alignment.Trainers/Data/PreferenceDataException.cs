namespace Alignment.Trainers.Data;

/// <summary>
/// Thrown when a preference data file is malformed: bad JSON, a missing or mistyped field, a ranking that does not
/// fit its completions, or an empty text. The message and the properties name the file, the line and the field.
/// </summary>
public sealed class PreferenceDataException : FormatException
{
    /// <summary>Creates an exception with a default message.</summary>
    public PreferenceDataException()
        : base("A preference data file is malformed.")
    {
    }

    /// <summary>Creates an exception with the given message.</summary>
    /// <param name="message">What is wrong, and where.</param>
    public PreferenceDataException(string message)
        : base(message)
    {
    }

    /// <summary>Creates an exception with the given message and cause.</summary>
    /// <param name="message">What is wrong, and where.</param>
    /// <param name="innerException">The error that revealed the problem, or <see langword="null"/>.</param>
    public PreferenceDataException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Creates an exception naming the place at fault; the message is "source, line n, field 'f': problem".</summary>
    /// <param name="sourceName">The file path or stream name.</param>
    /// <param name="lineNumber">The 1-based line of the record.</param>
    /// <param name="field">The field at fault ("answers[2].text"); <see langword="null"/> when the record is not valid JSON.</param>
    /// <param name="problem">What is wrong.</param>
    /// <param name="innerException">The error that revealed the problem. The default value is <see langword="null"/>.</param>
    public PreferenceDataException(string sourceName, int lineNumber, string? field, string problem, Exception? innerException = null)
        : base(FormatMessage(sourceName, lineNumber, field, problem), innerException)
    {
        SourceName = sourceName;
        LineNumber = lineNumber;
        Field = field;
    }

    /// <summary>The file path or stream name, when known.</summary>
    public string? SourceName { get; }

    /// <summary>The 1-based line where the faulty record starts, when known.</summary>
    public int? LineNumber { get; }

    /// <summary>The field at fault, when the record is valid JSON.</summary>
    public string? Field { get; }

    private static string FormatMessage(string sourceName, int lineNumber, string? field, string problem) =>
        field is null
            ? Invariant.Format($"{sourceName}, line {lineNumber}: {problem}")
            : Invariant.Format($"{sourceName}, line {lineNumber}, field '{field}': {problem}");
}
