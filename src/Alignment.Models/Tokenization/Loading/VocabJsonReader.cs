using System.Text;
using System.Text.Json;

namespace Alignment.Models.Tokenization.Loading;

/// <summary>Reads a vocab.json file: one JSON object mapping token strings to non-negative integer ids.</summary>
internal static class VocabJsonReader
{
    /// <summary>Parses the UTF-8 JSON in <paramref name="utf8"/>; errors name <paramref name="source"/> and the line.</summary>
    /// <exception cref="TokenizerFormatException">The JSON is invalid, not an object of string to integer, or repeats a token or an id.</exception>
    public static Dictionary<string, int> Read(ReadOnlySpan<byte> utf8, string source)
    {
        utf8 = JsonLocation.SkipBom(utf8);
        try
        {
            return ReadCore(utf8, source);
        }
        catch (JsonException e)
        {
            throw JsonLocation.SyntaxError(source, e);
        }
    }

    private static Dictionary<string, int> ReadCore(ReadOnlySpan<byte> utf8, string source)
    {
        var reader = new Utf8JsonReader(utf8);
        if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
        {
            throw Error(utf8, reader.TokenStartIndex, source,
                $"expected a JSON object mapping token strings to integer ids, found {Describe(ref reader)}");
        }

        var vocabulary = new Dictionary<string, int>(StringComparer.Ordinal);
        var tokenOfId = new Dictionary<int, string>();
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            string token = reader.GetString()!;
            reader.Read();
            long valueStart = reader.TokenStartIndex;
            if (reader.TokenType != JsonTokenType.Number || !reader.TryGetInt32(out int id) || id < 0)
            {
                string found = Describe(ref reader);
                throw Error(utf8, valueStart, source,
                    $"the id of token {ErrorText.Quote(token)} must be a non-negative 32-bit integer, found {found}");
            }

            if (!vocabulary.TryAdd(token, id))
            {
                throw Error(utf8, valueStart, source, $"token {ErrorText.Quote(token)} appears more than once");
            }

            if (!tokenOfId.TryAdd(id, token))
            {
                throw Error(utf8, valueStart, source,
                    $"id {id} is given to both {ErrorText.Quote(tokenOfId[id])} and {ErrorText.Quote(token)}");
            }
        }

        // Reading past the closing brace makes the reader reject any trailing content.
        while (reader.Read())
        {
        }

        return vocabulary;
    }

    /// <summary>Describes the current JSON value for an error message (skipping over containers).</summary>
    internal static string Describe(ref Utf8JsonReader reader) => reader.TokenType switch
    {
        JsonTokenType.Number => $"the number {Encoding.UTF8.GetString(reader.ValueSpan)}",
        JsonTokenType.String => $"the string {ErrorText.Quote(reader.GetString()!)}",
        JsonTokenType.StartObject => "an object",
        JsonTokenType.StartArray => "an array",
        JsonTokenType.True or JsonTokenType.False => "a boolean",
        JsonTokenType.Null => "null",
        JsonTokenType.None => "nothing",
        _ => reader.TokenType.ToString(),
    };

    private static TokenizerFormatException Error(ReadOnlySpan<byte> utf8, long offset, string source, string problem)
    {
        int line = JsonLocation.LineOf(utf8, offset);
        return new TokenizerFormatException($"{source}, line {line}: {problem}", source, line);
    }
}
