using System.Text.Json;

namespace Alignment.Trainers.Data;

/// <summary>One JSON object read from a data file, with typed accessors whose errors name the file, line and field.</summary>
internal sealed class JsonRecord(string sourceName, int lineNumber, JsonElement root)
{
    public string SourceName { get; } = sourceName;

    public int LineNumber { get; } = lineNumber;

    public JsonElement Root { get; } = root;

    public PreferenceDataException Error(string field, string problem) => new(SourceName, LineNumber, field, problem);

    /// <summary>A string field that must be present and not empty or white space.</summary>
    public string RequiredText(JsonElement container, string name, string path)
    {
        if (!TryGet(container, name, out var value))
        {
            throw Error(path, "the field is missing.");
        }

        var text = AsString(value, path);
        return string.IsNullOrWhiteSpace(text) ? throw Error(path, "the text is empty.") : text;
    }

    /// <summary>A string field that may be absent (then "") or empty.</summary>
    public string OptionalText(JsonElement container, string name, string path) =>
        TryGet(container, name, out var value) ? AsString(value, path) : string.Empty;

    /// <summary>A finite number that may be absent (then <paramref name="fallback"/>).</summary>
    public float OptionalSingle(JsonElement container, string name, string path, float fallback)
    {
        if (!TryGet(container, name, out var value))
        {
            return fallback;
        }

        if (value.ValueKind != JsonValueKind.Number || !value.TryGetDouble(out var number))
        {
            throw Error(path, $"expected a number, got {Describe(value)}.");
        }

        var single = (float)number;
        return float.IsFinite(single) ? single : throw Error(path, $"the number {value.GetRawText()} is not finite in single precision.");
    }

    /// <summary>A boolean that may be absent (then <paramref name="fallback"/>).</summary>
    public bool OptionalBoolean(JsonElement container, string name, string path, bool fallback)
    {
        if (!TryGet(container, name, out var value))
        {
            return fallback;
        }

        return value.ValueKind switch
        {
            JsonValueKind.True => true,
            JsonValueKind.False => false,
            _ => throw Error(path, $"expected true or false, got {Describe(value)}."),
        };
    }

    /// <summary>A required 32-bit integer field.</summary>
    public int RequiredInt32(JsonElement container, string name, string path) =>
        TryGet(container, name, out var value) ? AsInt32(value, path) : throw Error(path, "the field is missing.");

    /// <summary>A 32-bit integer value.</summary>
    public int AsInt32(JsonElement value, string path) =>
        value.ValueKind == JsonValueKind.Number && value.TryGetInt32(out var integer)
            ? integer
            : throw Error(path, $"expected an integer, got {Describe(value)}.");

    /// <summary>A required array field.</summary>
    public JsonElement RequiredArray(JsonElement container, string name, string path)
    {
        if (!TryGet(container, name, out var value))
        {
            throw Error(path, "the field is missing.");
        }

        return value.ValueKind == JsonValueKind.Array ? value : throw Error(path, $"expected an array, got {Describe(value)}.");
    }

    /// <summary>Checks that an element is an object.</summary>
    public JsonElement RequireObject(JsonElement value, string path) =>
        value.ValueKind == JsonValueKind.Object ? value : throw Error(path, $"expected an object, got {Describe(value)}.");

    /// <summary>Whether a field is present (JSON null counts as absent).</summary>
    public static bool TryGet(JsonElement container, string name, out JsonElement value) =>
        container.TryGetProperty(name, out value) && value.ValueKind != JsonValueKind.Null;

    private string AsString(JsonElement value, string path) =>
        value.ValueKind == JsonValueKind.String ? value.GetString()! : throw Error(path, $"expected a string, got {Describe(value)}.");

    private static string Describe(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.Number => $"the number {value.GetRawText()}",
        JsonValueKind.String => "a string",
        JsonValueKind.True or JsonValueKind.False => "a boolean",
        JsonValueKind.Array => "an array",
        JsonValueKind.Object => "an object",
        _ => "null",
    };
}
