using System.Globalization;
using System.Text.Json;

namespace Alignment.Models.Tokenization.Loading;

/// <summary>
/// Reads a Hugging Face tokenizer.json whose model is a byte-level BPE: <c>model.type</c> "BPE",
/// <c>model.vocab</c>, <c>model.merges</c> (as "a b" strings or ["a", "b"] pairs) and
/// <c>added_tokens</c>. Settings this tokenizer cannot reproduce (a normalizer, another
/// pre-tokenizer, a prefix space, subword prefixes or suffixes, dropout, ignore_merges) are
/// rejected rather than silently ignored.
/// </summary>
internal static class TokenizerJsonReader
{
    /// <summary>Parses the file; errors name <paramref name="source"/> and the entry at fault.</summary>
    /// <exception cref="TokenizerFormatException">The JSON is invalid or does not describe a supported byte-level BPE.</exception>
    public static TokenizerFileContent Read(Stream stream, string source)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(stream);
        }
        catch (JsonException e)
        {
            throw JsonLocation.SyntaxError(source, e);
        }

        using (document)
        {
            JsonElement root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                throw Fail(source, "root", $"expected a JSON object, found {Describe(root)}");
            }

            TokenizerJsonSettings.Check(root, source);
            JsonElement model = Required(root, "model", JsonValueKind.Object, "model", source);
            return new TokenizerFileContent(
                ReadVocabulary(Required(model, "vocab", JsonValueKind.Object, "model.vocab", source), source),
                source,
                ReadMerges(Required(model, "merges", JsonValueKind.Array, "model.merges", source), source),
                source,
                ReadAddedTokens(root, source));
        }
    }

    /// <summary>Creates an error for the entry at <paramref name="location"/>.</summary>
    internal static TokenizerFormatException Fail(string source, string location, string problem) =>
        new($"{source}, {location}: {problem}", source, null);

    /// <summary>Describes a JSON value for an error message.</summary>
    internal static string Describe(JsonElement element) => element.ValueKind switch
    {
        JsonValueKind.String => $"the string {ErrorText.Quote(element.GetString()!)}",
        JsonValueKind.Number => $"the number {element.GetRawText()}",
        JsonValueKind.Object => "an object",
        JsonValueKind.Array => "an array",
        JsonValueKind.True or JsonValueKind.False => "a boolean",
        JsonValueKind.Null => "null",
        _ => element.ValueKind.ToString(),
    };

    private static JsonElement Required(JsonElement parent, string name, JsonValueKind kind, string location, string source)
    {
        if (!parent.TryGetProperty(name, out JsonElement value))
        {
            throw Fail(source, location, "missing");
        }

        if (value.ValueKind != kind)
        {
            string expected = kind == JsonValueKind.Object ? "an object" : "an array";
            throw Fail(source, location, $"expected {expected}, found {Describe(value)}");
        }

        return value;
    }

    private static Dictionary<string, int> ReadVocabulary(JsonElement vocab, string source)
    {
        var vocabulary = new Dictionary<string, int>(StringComparer.Ordinal);
        var tokenOfId = new Dictionary<int, string>();
        foreach (JsonProperty entry in vocab.EnumerateObject())
        {
            string location = $"model.vocab entry {ErrorText.Quote(entry.Name)}";
            if (!TryGetId(entry.Value, out int id))
            {
                throw Fail(source, location, $"the id must be a non-negative 32-bit integer, found {Describe(entry.Value)}");
            }

            if (!vocabulary.TryAdd(entry.Name, id))
            {
                throw Fail(source, location, "the token appears more than once");
            }

            if (!tokenOfId.TryAdd(id, entry.Name))
            {
                throw Fail(source, location, $"id {id} is already given to {ErrorText.Quote(tokenOfId[id])}");
            }
        }

        return vocabulary;
    }

    private static List<MergeEntry> ReadMerges(JsonElement merges, string source)
    {
        var result = new List<MergeEntry>(merges.GetArrayLength());
        int index = 0;
        foreach (JsonElement merge in merges.EnumerateArray())
        {
            string location = string.Create(CultureInfo.InvariantCulture, $"model.merges[{index++}]");
            result.Add(ReadMerge(merge, location, source));
        }

        return result;
    }

    private static MergeEntry ReadMerge(JsonElement merge, string location, string source)
    {
        if (merge.ValueKind == JsonValueKind.String)
        {
            string text = merge.GetString()!;
            string[] parts = text.Split(' ');
            if (parts.Length != 2 || parts[0].Length == 0 || parts[1].Length == 0)
            {
                throw Fail(source, location, $"expected two symbols separated by a single space, found {ErrorText.Quote(text)}");
            }

            return new MergeEntry(parts[0], parts[1], location, null);
        }

        if (merge.ValueKind == JsonValueKind.Array && merge.GetArrayLength() == 2
            && merge[0].ValueKind == JsonValueKind.String && merge[1].ValueKind == JsonValueKind.String
            && merge[0].GetString()!.Length > 0 && merge[1].GetString()!.Length > 0)
        {
            return new MergeEntry(merge[0].GetString()!, merge[1].GetString()!, location, null);
        }

        throw Fail(source, location,
            $"expected a string \"left right\" or an array of two non-empty strings, found {Describe(merge)}");
    }

    private static List<AddedTokenEntry> ReadAddedTokens(JsonElement root, string source)
    {
        var result = new List<AddedTokenEntry>();
        if (!root.TryGetProperty("added_tokens", out JsonElement list) || list.ValueKind == JsonValueKind.Null)
        {
            return result;
        }

        if (list.ValueKind != JsonValueKind.Array)
        {
            throw Fail(source, "added_tokens", $"expected an array, found {Describe(list)}");
        }

        int index = 0;
        foreach (JsonElement token in list.EnumerateArray())
        {
            string location = string.Create(CultureInfo.InvariantCulture, $"added_tokens[{index++}]");
            if (token.ValueKind != JsonValueKind.Object)
            {
                throw Fail(source, location, $"expected an object, found {Describe(token)}");
            }

            if (!token.TryGetProperty("id", out JsonElement idElement) || !TryGetId(idElement, out int id))
            {
                throw Fail(source, location, "expected a non-negative integer \"id\"");
            }

            if (!token.TryGetProperty("content", out JsonElement content) || content.ValueKind != JsonValueKind.String
                || content.GetString()!.Length == 0)
            {
                throw Fail(source, location, "expected a non-empty string \"content\"");
            }

            bool special = token.TryGetProperty("special", out JsonElement flag) && flag.ValueKind == JsonValueKind.True;
            result.Add(new AddedTokenEntry(id, content.GetString()!, special, location));
        }

        return result;
    }

    private static bool TryGetId(JsonElement element, out int id)
    {
        id = 0;
        return element.ValueKind == JsonValueKind.Number && element.TryGetInt32(out id) && id >= 0;
    }
}
