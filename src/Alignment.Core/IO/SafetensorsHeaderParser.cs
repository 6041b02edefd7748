using System.Text.Json;
using System.Text.Unicode;

namespace Alignment.IO;

/// <summary>
/// Parses the JSON header of a safetensors file and validates every entry and the layout of the data section,
/// throwing <see cref="SafetensorsFormatException"/> for the first problem found.
/// </summary>
internal static class SafetensorsHeaderParser
{
    /// <summary>The key of the optional string→string metadata object.</summary>
    public const string MetadataKey = "__metadata__";

    private static readonly JsonDocumentOptions s_options = new()
    {
        // Root object → entry object → shape/offsets array; anything deeper is not safetensors.
        MaxDepth = 4,
        AllowTrailingCommas = false,
        CommentHandling = JsonCommentHandling.Disallow,
    };

    /// <summary>Parses <paramref name="header"/>, checking every tensor against a data section of <paramref name="dataLength"/> bytes.</summary>
    public static SafetensorsHeader Parse(ReadOnlyMemory<byte> header, long dataLength)
    {
        if (!Utf8.IsValid(header.Span))
        {
            throw new SafetensorsFormatException("The safetensors header is not valid UTF-8.");
        }

        if (header.Span[0] != (byte)'{')
        {
            throw new SafetensorsFormatException(
                $"The safetensors header must be a JSON object starting with '{{' but starts with byte 0x{header.Span[0]:X2}.");
        }

        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(header, s_options);
        }
        catch (JsonException ex)
        {
            throw new SafetensorsFormatException($"The safetensors header is not valid JSON: {ex.Message}", ex);
        }

        using (document)
        {
            JsonElement root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                throw new SafetensorsFormatException($"The safetensors header must be a JSON object, not {root.ValueKind}.");
            }

            var tensors = new List<SafetensorsTensorInfo>();
            var metadata = new Dictionary<string, string>(StringComparer.Ordinal);
            var names = new HashSet<string>(StringComparer.Ordinal);
            foreach (JsonProperty property in root.EnumerateObject())
            {
                string name = GetName(property, null);
                if (!names.Add(name))
                {
                    throw new SafetensorsFormatException(
                        $"The safetensors header contains the key '{name}' more than once.", name == MetadataKey ? null : name);
                }

                if (name == MetadataKey)
                {
                    ParseMetadata(property.Value, metadata);
                }
                else
                {
                    tensors.Add(SafetensorsEntryParser.Parse(name, property.Value, dataLength));
                }
            }

            SafetensorsTensorInfo[] result = [.. tensors];
            CheckTiling(result, dataLength);
            return new SafetensorsHeader(result, metadata);
        }
    }

    /// <summary>Returns a property name, turning undecodable escapes (lone surrogates) into a format error.</summary>
    internal static string GetName(JsonProperty property, string? tensorName)
    {
        try
        {
            return property.Name;
        }
        catch (InvalidOperationException ex)
        {
            throw new SafetensorsFormatException("The safetensors header contains a key that is not a valid string: " + ex.Message, tensorName, ex);
        }
    }

    /// <summary>Returns a string value, turning undecodable escapes (lone surrogates) into a format error.</summary>
    internal static string GetString(JsonElement element, string what, string? tensorName)
    {
        try
        {
            return element.GetString() ?? string.Empty;
        }
        catch (InvalidOperationException ex)
        {
            throw new SafetensorsFormatException($"The {what} is not a valid string: {ex.Message}", tensorName, ex);
        }
    }

    private static void ParseMetadata(JsonElement element, Dictionary<string, string> metadata)
    {
        if (element.ValueKind != JsonValueKind.Object)
        {
            throw new SafetensorsFormatException($"\"{MetadataKey}\" must be a JSON object of strings, not {element.ValueKind}.");
        }

        foreach (JsonProperty property in element.EnumerateObject())
        {
            string key = GetName(property, null);
            if (property.Value.ValueKind != JsonValueKind.String)
            {
                throw new SafetensorsFormatException(
                    $"\"{MetadataKey}\" value for key '{key}' must be a string, not {property.Value.ValueKind}.");
            }

            if (!metadata.TryAdd(key, GetString(property.Value, $"\"{MetadataKey}\" value for key '{key}'", null)))
            {
                throw new SafetensorsFormatException($"\"{MetadataKey}\" contains the key '{key}' more than once.");
            }
        }
    }

    /// <summary>Checks that the tensors, sorted by offset, cover the data section exactly: from 0, no overlap,
    /// no gap, and nothing after the last tensor (the reference implementation requires the same).</summary>
    private static void CheckTiling(SafetensorsTensorInfo[] tensors, long dataLength)
    {
        var sorted = (SafetensorsTensorInfo[])tensors.Clone();
        Array.Sort(sorted, static (a, b) =>
        {
            int c = a.DataBegin.CompareTo(b.DataBegin);
            c = c != 0 ? c : a.DataEnd.CompareTo(b.DataEnd);
            return c != 0 ? c : string.CompareOrdinal(a.Name, b.Name);
        });

        long position = 0;
        SafetensorsTensorInfo? previous = null;
        foreach (SafetensorsTensorInfo tensor in sorted)
        {
            if (tensor.DataBegin < position)
            {
                throw new SafetensorsFormatException(
                    $"Tensor '{tensor.Name}' (data_offsets [{tensor.DataBegin}, {tensor.DataEnd}]) overlaps tensor '{previous!.Name}' " +
                    $"(data_offsets [{previous.DataBegin}, {previous.DataEnd}]); tensors must not overlap.",
                    tensor.Name);
            }

            if (tensor.DataBegin > position)
            {
                string after = previous is null ? "the start of the data section" : $"tensor '{previous.Name}' (which ends at {position})";
                throw new SafetensorsFormatException(
                    $"Gap of {tensor.DataBegin - position} bytes in the data section between {after} and tensor '{tensor.Name}' " +
                    $"(which begins at {tensor.DataBegin}); the tensors, sorted by offset, must cover the data section contiguously from 0.",
                    tensor.Name);
            }

            position = tensor.DataEnd;
            previous = tensor;
        }

        if (position != dataLength)
        {
            string last = previous is null ? "the header lists no tensors" : $"the last tensor '{previous.Name}' ends at {position}";
            throw new SafetensorsFormatException(
                $"The data section is {dataLength} bytes but {last}: {dataLength - position} trailing bytes are not covered by any tensor.",
                previous?.Name);
        }
    }
}
