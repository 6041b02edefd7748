using System.Text.Json;

namespace Alignment.IO;

/// <summary>Parses and validates one tensor entry: <c>{"dtype": ..., "shape": [...], "data_offsets": [begin, end]}</c>.</summary>
internal static class SafetensorsEntryParser
{
    private const string Supported = "F32, F16, BF16, I64, I32";

    /// <summary>Parses the entry of tensor <paramref name="name"/>, checking it against a data section of <paramref name="dataLength"/> bytes.</summary>
    public static SafetensorsTensorInfo Parse(string name, JsonElement entry, long dataLength)
    {
        if (entry.ValueKind != JsonValueKind.Object)
        {
            throw Error(name, $"The entry for tensor '{name}' must be a JSON object, not {entry.ValueKind}.");
        }

        JsonElement? dtypeElement = null, shapeElement = null, offsetsElement = null;
        foreach (JsonProperty field in entry.EnumerateObject())
        {
            switch (SafetensorsHeaderParser.GetName(field, name))
            {
                case "dtype":
                    dtypeElement = Once(dtypeElement, field.Value, name, "dtype");
                    break;
                case "shape":
                    shapeElement = Once(shapeElement, field.Value, name, "shape");
                    break;
                case "data_offsets":
                    offsetsElement = Once(offsetsElement, field.Value, name, "data_offsets");
                    break;
                default:
                    break; // Unknown fields are ignored, as the reference implementation does.
            }
        }

        SafetensorsDType dtype = ParseDType(name, dtypeElement);
        int[] shape = ParseShape(name, shapeElement);
        (long begin, long end) = ParseOffsets(name, offsetsElement);

        if (begin > end)
        {
            throw Error(name, $"Tensor '{name}' has data_offsets [{begin}, {end}] with begin > end.");
        }

        if (end > dataLength)
        {
            throw Error(name, $"Tensor '{name}' has data_offsets [{begin}, {end}] which end beyond the data section of {dataLength} bytes.");
        }

        if (!SafetensorsShape.TryGetElementCount(shape, out long count))
        {
            throw Error(name, $"Tensor '{name}' has shape {SafetensorsShape.Format(shape)} with more than {Array.MaxLength} elements.");
        }

        int size = dtype.GetElementSize();
        long expected = count * size;
        if (end - begin != expected)
        {
            throw Error(name,
                $"Tensor '{name}' is {dtype.GetHeaderName()} {SafetensorsShape.Format(shape)}, which needs {expected} bytes " +
                $"({count} elements × {size}), but its data_offsets [{begin}, {end}] span {end - begin} bytes.");
        }

        return new SafetensorsTensorInfo(name, dtype, shape, count, begin, end);
    }

    private static JsonElement Once(JsonElement? existing, JsonElement value, string name, string field) =>
        existing is null ? value : throw Error(name, $"The entry for tensor '{name}' has the field \"{field}\" more than once.");

    private static SafetensorsDType ParseDType(string name, JsonElement? element)
    {
        if (element is not { } value)
        {
            throw Error(name, $"The entry for tensor '{name}' has no \"dtype\".");
        }

        if (value.ValueKind != JsonValueKind.String)
        {
            throw Error(name, $"The \"dtype\" of tensor '{name}' must be a string, not {value.ValueKind}.");
        }

        string text = SafetensorsHeaderParser.GetString(value, $"\"dtype\" of tensor '{name}'", name);
        return SafetensorsDTypeExtensions.TryParseHeaderName(text, out SafetensorsDType dtype)
            ? dtype
            : throw Error(name, $"Tensor '{name}' has unsupported dtype '{text}' (supported: {Supported}).");
    }

    private static int[] ParseShape(string name, JsonElement? element)
    {
        if (element is not { } value)
        {
            throw Error(name, $"The entry for tensor '{name}' has no \"shape\".");
        }

        if (value.ValueKind != JsonValueKind.Array)
        {
            throw Error(name, $"The \"shape\" of tensor '{name}' must be an array of integers, not {value.ValueKind}.");
        }

        var shape = new int[value.GetArrayLength()];
        int i = 0;
        foreach (JsonElement item in value.EnumerateArray())
        {
            long dim = ReadNonNegative(name, item, $"dimension {i} of the shape");
            if (dim > int.MaxValue)
            {
                throw Error(name, $"Dimension {i} of the shape of tensor '{name}' is {dim}, larger than the supported maximum {int.MaxValue}.");
            }

            shape[i++] = (int)dim;
        }

        return shape;
    }

    private static (long Begin, long End) ParseOffsets(string name, JsonElement? element)
    {
        if (element is not { } value)
        {
            throw Error(name, $"The entry for tensor '{name}' has no \"data_offsets\".");
        }

        if (value.ValueKind != JsonValueKind.Array || value.GetArrayLength() != 2)
        {
            string found = value.ValueKind == JsonValueKind.Array ? $"an array of {value.GetArrayLength()} items" : value.ValueKind.ToString();
            throw Error(name, $"The \"data_offsets\" of tensor '{name}' must be an array of two integers [begin, end], not {found}.");
        }

        long begin = ReadNonNegative(name, value[0], "data_offsets begin");
        long end = ReadNonNegative(name, value[1], "data_offsets end");
        return (begin, end);
    }

    /// <summary>Reads a JSON integer in [0, <see cref="long.MaxValue"/>], explaining exactly what is wrong otherwise.</summary>
    private static long ReadNonNegative(string name, JsonElement item, string what)
    {
        if (item.ValueKind != JsonValueKind.Number)
        {
            throw Error(name, $"The {what} of tensor '{name}' must be an integer, not {item.ValueKind}.");
        }

        if (item.TryGetInt64(out long number))
        {
            return number >= 0 ? number : throw Error(name, $"The {what} of tensor '{name}' is negative ({number}).");
        }

        string raw = item.GetRawText();
        string problem =
            raw.StartsWith('-') ? "negative" :
            raw.AsSpan().IndexOfAny(".eE") >= 0 ? "not an integer" :
            "too large";
        throw Error(name, $"The {what} of tensor '{name}' is {problem} ({Truncate(raw)}).");
    }

    private static string Truncate(string text) => text.Length <= 40 ? text : text[..40] + "…";

    private static SafetensorsFormatException Error(string name, string message) => new(message, name);
}
