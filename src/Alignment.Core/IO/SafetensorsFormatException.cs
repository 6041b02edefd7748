namespace Alignment.IO;

/// <summary>
/// Thrown when a safetensors file is malformed: its header length, header JSON, a tensor entry, or the
/// layout of the data section does not follow the format. The message says what is wrong and, where the
/// problem belongs to one tensor, names it (also available as <see cref="TensorName"/>).
/// It derives from <see cref="IOException"/> (<see cref="InvalidDataException"/> is sealed), so code that handles
/// I/O failures when loading a file also handles malformed files.
/// </summary>
public sealed class SafetensorsFormatException : IOException
{
    /// <summary>Creates an exception with a generic message and no tensor name.</summary>
    public SafetensorsFormatException()
        : base("The safetensors file is malformed.")
    {
    }

    /// <summary>Creates an exception with <paramref name="message"/> and no tensor name.</summary>
    /// <param name="message">What is wrong with the file.</param>
    public SafetensorsFormatException(string? message)
        : base(message)
    {
    }

    /// <summary>Creates an exception with <paramref name="message"/> caused by <paramref name="innerException"/>.</summary>
    /// <param name="message">What is wrong with the file.</param>
    /// <param name="innerException">The underlying error, e.g. a JSON parse error.</param>
    public SafetensorsFormatException(string? message, Exception? innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Creates an exception about the tensor named <paramref name="tensorName"/>.</summary>
    /// <param name="message">What is wrong; it should already mention the tensor name.</param>
    /// <param name="tensorName">The offending tensor's name, or <see langword="null"/> when none applies.</param>
    /// <param name="innerException">The underlying error, or <see langword="null"/> (the default).</param>
    public SafetensorsFormatException(string? message, string? tensorName, Exception? innerException = null)
        : base(message, innerException)
    {
        TensorName = tensorName;
    }

    /// <summary>The name of the tensor the problem belongs to, or <see langword="null"/> when it concerns the file as a whole.</summary>
    public string? TensorName { get; }
}
