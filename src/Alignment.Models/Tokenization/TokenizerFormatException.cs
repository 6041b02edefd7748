namespace Alignment.Models.Tokenization;

/// <summary>
/// Thrown when a tokenizer file (vocab.json, merges.txt or tokenizer.json) is malformed. The
/// message names the file and the line or entry at fault.
/// </summary>
public sealed class TokenizerFormatException : FormatException
{
    /// <summary>Creates an exception with a default message.</summary>
    public TokenizerFormatException()
        : base("A tokenizer file is malformed.")
    {
    }

    /// <summary>Creates an exception with the given message.</summary>
    /// <param name="message">What is wrong, and where.</param>
    public TokenizerFormatException(string message)
        : base(message)
    {
    }

    /// <summary>Creates an exception with the given message and cause.</summary>
    /// <param name="message">What is wrong, and where.</param>
    /// <param name="innerException">The error that revealed the problem, or <see langword="null"/>.</param>
    public TokenizerFormatException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Creates an exception that records the file and line at fault.</summary>
    /// <param name="message">What is wrong, and where.</param>
    /// <param name="sourceName">The file path or stream name; <see langword="null"/> when unknown.</param>
    /// <param name="lineNumber">The 1-based line at fault; <see langword="null"/> when the problem has no single line.</param>
    /// <param name="innerException">The error that revealed the problem, or <see langword="null"/>.</param>
    public TokenizerFormatException(string message, string? sourceName, int? lineNumber, Exception? innerException = null)
        : base(message, innerException)
    {
        SourceName = sourceName;
        LineNumber = lineNumber;
    }

    /// <summary>The file path or stream name at fault; <see langword="null"/> when unknown (the default).</summary>
    public string? SourceName { get; }

    /// <summary>The 1-based line at fault; <see langword="null"/> when unknown or not line-based (the default).</summary>
    public int? LineNumber { get; }
}
