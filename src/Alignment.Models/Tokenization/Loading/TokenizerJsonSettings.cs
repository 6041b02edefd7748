using System.Text.Json;

namespace Alignment.Models.Tokenization.Loading;

/// <summary>
/// Rejects tokenizer.json settings that a GPT-2 byte-level BPE tokenizer cannot reproduce, so
/// that a file never loads into a tokenizer that silently encodes differently.
/// </summary>
internal static class TokenizerJsonSettings
{
    /// <summary>Checks the normalizer, the pre-tokenizer and the model options.</summary>
    /// <exception cref="TokenizerFormatException">A setting is not supported.</exception>
    public static void Check(JsonElement root, string source)
    {
        if (root.TryGetProperty("normalizer", out JsonElement normalizer) && normalizer.ValueKind != JsonValueKind.Null)
        {
            throw TokenizerJsonReader.Fail(source, "normalizer",
                $"normalizers are not supported (found {TypeOf(normalizer)}); expected null");
        }

        if (root.TryGetProperty("pre_tokenizer", out JsonElement pre) && pre.ValueKind != JsonValueKind.Null)
        {
            CheckPreTokenizer(pre, source);
        }

        if (root.TryGetProperty("model", out JsonElement model) && model.ValueKind == JsonValueKind.Object)
        {
            CheckModel(model, source);
        }
    }

    private static void CheckPreTokenizer(JsonElement pre, string source)
    {
        if (TypeOf(pre) != "\"ByteLevel\"")
        {
            throw TokenizerJsonReader.Fail(source, "pre_tokenizer",
                $"only the GPT-2 \"ByteLevel\" pre-tokenizer is supported, found {TypeOf(pre)}");
        }

        if (pre.TryGetProperty("add_prefix_space", out JsonElement prefix) && prefix.ValueKind == JsonValueKind.True)
        {
            throw TokenizerJsonReader.Fail(source, "pre_tokenizer.add_prefix_space", "true is not supported; expected false");
        }

        if (pre.TryGetProperty("use_regex", out JsonElement regex) && regex.ValueKind == JsonValueKind.False)
        {
            throw TokenizerJsonReader.Fail(source, "pre_tokenizer.use_regex", "false is not supported; expected true");
        }
    }

    private static void CheckModel(JsonElement model, string source)
    {
        if (model.TryGetProperty("type", out JsonElement type) && type.ValueKind != JsonValueKind.Null
            && (type.ValueKind != JsonValueKind.String || type.GetString() != "BPE"))
        {
            throw TokenizerJsonReader.Fail(source, "model.type",
                $"only \"BPE\" is supported, found {TokenizerJsonReader.Describe(type)}");
        }

        foreach (string name in (string[])["continuing_subword_prefix", "end_of_word_suffix"])
        {
            if (model.TryGetProperty(name, out JsonElement affix) && affix.ValueKind == JsonValueKind.String
                && affix.GetString()!.Length > 0)
            {
                throw TokenizerJsonReader.Fail(source, "model." + name, "a non-empty value is not supported");
            }
        }

        if (model.TryGetProperty("dropout", out JsonElement dropout) && dropout.ValueKind == JsonValueKind.Number
            && dropout.GetDouble() != 0)
        {
            throw TokenizerJsonReader.Fail(source, "model.dropout", "BPE dropout is not supported; expected null");
        }

        if (model.TryGetProperty("ignore_merges", out JsonElement ignore) && ignore.ValueKind == JsonValueKind.True)
        {
            throw TokenizerJsonReader.Fail(source, "model.ignore_merges", "true is not supported; expected false");
        }
    }

    /// <summary>The quoted "type" of a component object, or a description of the value when it has none.</summary>
    private static string TypeOf(JsonElement element) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty("type", out JsonElement type)
            && type.ValueKind == JsonValueKind.String
            ? ErrorText.Quote(type.GetString()!)
            : TokenizerJsonReader.Describe(element);
}
