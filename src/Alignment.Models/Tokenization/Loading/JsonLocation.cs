using System.Text.Json;

namespace Alignment.Models.Tokenization.Loading;

/// <summary>Helpers that turn JSON reader positions and errors into readable locations.</summary>
internal static class JsonLocation
{
    /// <summary>The 1-based line that contains the byte at <paramref name="offset"/>.</summary>
    public static int LineOf(ReadOnlySpan<byte> utf8, long offset)
    {
        int end = (int)Math.Min(offset, utf8.Length);
        return utf8[..end].Count((byte)'\n') + 1;
    }

    /// <summary>Wraps a JSON syntax error into a <see cref="TokenizerFormatException"/> naming the source and line.</summary>
    public static TokenizerFormatException SyntaxError(string source, JsonException error)
    {
        int? line = error.LineNumber is long l ? (int)(l + 1) : null;
        string where = line is int n
            ? $"line {n}, byte {(error.BytePositionInLine ?? 0) + 1}"
            : "unknown position";
        return new TokenizerFormatException(
            $"{source}: invalid JSON at {where}: {error.Message}", source, line, error);
    }

    /// <summary>Strips a UTF-8 byte order mark.</summary>
    public static ReadOnlySpan<byte> SkipBom(ReadOnlySpan<byte> utf8) =>
        utf8.StartsWith("\uFEFF"u8) ? utf8[3..] : utf8;
}
