using System.Text;
using System.Text.Json;

namespace Alignment.Trainers.Data;

/// <summary>
/// Reads the JSON objects of a data file: JSON Lines (one object per line, blank lines skipped), or one JSON array of
/// objects (as KoChatGPT ships <c>kochatgpt_2_RM.jsonl</c>), recognised by a '[' as the first non-blank character.
/// Every record keeps the line it starts on.
/// </summary>
internal static class JsonRecordSource
{
    private const string RecordField = "(record)";

    public static List<T> ReadFile<T>(string path, Func<JsonRecord, T> convert)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        using var reader = new StreamReader(path, Encoding.UTF8, detectEncodingFromByteOrderMarks: true);
        return Read(reader, path, convert);
    }

    public static List<T> Read<T>(TextReader reader, string sourceName, Func<JsonRecord, T> convert)
    {
        ArgumentNullException.ThrowIfNull(reader);
        ArgumentNullException.ThrowIfNull(sourceName);
        ArgumentNullException.ThrowIfNull(convert);
        var text = reader.ReadToEnd();
        var records = IsArray(text) ? ReadArray(text, sourceName) : ReadLines(text, sourceName);
        return records.ConvertAll(r => convert(r));
    }

    private static bool IsArray(string text)
    {
        foreach (var c in text)
        {
            if (!char.IsWhiteSpace(c) && c != '\uFEFF')
            {
                return c == '[';
            }
        }

        return false;
    }

    private static List<JsonRecord> ReadLines(string text, string sourceName)
    {
        var records = new List<JsonRecord>();
        var lineNumber = 0;
        foreach (var rawLine in text.Split('\n'))
        {
            lineNumber++;
            var line = rawLine.TrimEnd('\r');
            if (string.IsNullOrWhiteSpace(line))
            {
                continue;
            }

            JsonElement root;
            try
            {
                using var document = JsonDocument.Parse(line);
                root = document.RootElement.Clone();
            }
            catch (JsonException ex)
            {
                throw new PreferenceDataException(sourceName, lineNumber, null, Invariant.Format($"the line is not valid JSON (at character {(ex.BytePositionInLine ?? 0) + 1}): {ex.Message}"), ex);
            }

            records.Add(Checked(new JsonRecord(sourceName, lineNumber, root)));
        }

        return records;
    }

    private static List<JsonRecord> ReadArray(string text, string sourceName)
    {
        var bytes = Encoding.UTF8.GetBytes(text.TrimStart('\uFEFF'));
        var records = new List<JsonRecord>();
        var reader = new Utf8JsonReader(bytes, new JsonReaderOptions { AllowTrailingCommas = true, CommentHandling = JsonCommentHandling.Skip });
        var lineNumber = 1;
        var counted = 0;
        try
        {
            reader.Read(); // the opening '['
            while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
            {
                var start = (int)reader.TokenStartIndex;
                lineNumber += bytes.AsSpan(counted, start - counted).Count((byte)'\n');
                counted = start;
                reader.Skip();
                var end = (int)reader.BytesConsumed;
                using var document = JsonDocument.Parse(bytes.AsMemory(start, end - start));
                records.Add(Checked(new JsonRecord(sourceName, lineNumber, document.RootElement.Clone())));
            }

            if (reader.TokenType != JsonTokenType.EndArray || reader.Read())
            {
                throw new JsonException("the array is not closed, or text follows it.", null, CountLines(bytes, (int)reader.BytesConsumed) - 1, null);
            }
        }
        catch (JsonException ex)
        {
            var line = ex.LineNumber is { } zeroBased ? (int)zeroBased + 1 : lineNumber;
            throw new PreferenceDataException(sourceName, line, null, $"the file is not a valid JSON array of objects: {ex.Message}", ex);
        }

        return records;
    }

    private static int CountLines(byte[] bytes, int end) => bytes.AsSpan(0, Math.Min(end, bytes.Length)).Count((byte)'\n') + 1;

    private static JsonRecord Checked(JsonRecord record)
    {
        record.RequireObject(record.Root, RecordField);
        return record;
    }
}
