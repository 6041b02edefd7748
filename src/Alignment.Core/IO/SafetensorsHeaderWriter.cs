using System.Buffers;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace Alignment.IO;

/// <summary>Builds the JSON header for tensors already in data order, padded with spaces to a multiple of 8 bytes.</summary>
internal static class SafetensorsHeaderWriter
{
    private const int Alignment = 8;

    private static readonly JsonWriterOptions s_options = new()
    {
        Indented = false,
        // Names are written as they are (no \u escapes for '+', '<', non-ASCII ...); the header is never embedded in HTML.
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    /// <summary>Returns the padded header bytes; metadata keys are written in ordinal order.</summary>
    public static byte[] Build(IReadOnlyList<SafetensorsTensor> ordered, IReadOnlyDictionary<string, string>? metadata)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var json = new Utf8JsonWriter(buffer, s_options))
        {
            json.WriteStartObject();
            if (metadata is { Count: > 0 })
            {
                json.WriteStartObject(SafetensorsHeaderParser.MetadataKey);
                foreach (KeyValuePair<string, string> pair in metadata.OrderBy(p => p.Key, StringComparer.Ordinal))
                {
                    json.WriteString(pair.Key, pair.Value);
                }

                json.WriteEndObject();
            }

            long offset = 0;
            foreach (SafetensorsTensor tensor in ordered)
            {
                json.WriteStartObject(tensor.Name);
                json.WriteString("dtype", tensor.DType.GetHeaderName());
                json.WriteStartArray("shape");
                foreach (int dim in tensor.Shape)
                {
                    json.WriteNumberValue(dim);
                }

                json.WriteEndArray();
                json.WriteStartArray("data_offsets");
                json.WriteNumberValue(offset);
                offset = checked(offset + tensor.ByteLength);
                json.WriteNumberValue(offset);
                json.WriteEndArray();
                json.WriteEndObject();
            }

            json.WriteEndObject();
        }

        int length = buffer.WrittenCount;
        int padded = (length + Alignment - 1) / Alignment * Alignment;
        var header = new byte[padded];
        buffer.WrittenSpan.CopyTo(header);
        header.AsSpan(length).Fill((byte)' ');
        return header;
    }
}
