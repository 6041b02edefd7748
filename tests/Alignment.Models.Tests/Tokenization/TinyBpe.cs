using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Alignment.Models.Tests.Tokenization;

/// <summary>A tiny byte-level BPE (all 256 byte symbols plus a few merges) written in each file format.</summary>
internal static class TinyBpe
{
    public static readonly (string Left, string Right)[] Merges =
    [
        ("\u0120", "t"), ("h", "e"), ("\u0120t", "he"), ("i", "n"), ("\u0120", "a"), ("e", "r"),
        ("\u0120a", "n"), ("\u0120an", "d"), ("o", "n"), ("in", "g"), ("\u0120", "\u0120"), ("\u010A", "\u010A"),
        ("l", "l"), ("e", "ll"), ("h", "ell"), ("hell", "o"),
    ];

    public static Dictionary<string, int> Vocabulary()
    {
        var vocabulary = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (string symbol in ByteSymbols())
        {
            vocabulary[symbol] = vocabulary.Count;
        }

        foreach ((string left, string right) in Merges)
        {
            vocabulary.TryAdd(left + right, vocabulary.Count);
        }

        vocabulary["<|endoftext|>"] = vocabulary.Count;
        return vocabulary;
    }

    public static MemoryStream VocabJson() => new(JsonSerializer.SerializeToUtf8Bytes(Vocabulary()));

    public static MemoryStream MergesTxt() =>
        new(Encoding.UTF8.GetBytes("#version: 0.2\n" + string.Concat(Merges.Select(m => $"{m.Left} {m.Right}\n"))));

    public static JsonObject TokenizerJson(bool pairMerges)
    {
        var vocab = new JsonObject();
        foreach ((string token, int id) in Vocabulary())
        {
            vocab[token] = id;
        }

        var merges = new JsonArray();
        foreach ((string left, string right) in Merges)
        {
            merges.Add(pairMerges ? new JsonArray(left, right) : (JsonNode)$"{left} {right}");
        }

        int endOfText = Vocabulary()["<|endoftext|>"];
        return new JsonObject
        {
            ["version"] = "1.0",
            ["truncation"] = null,
            ["padding"] = null,
            ["added_tokens"] = new JsonArray(new JsonObject
            {
                ["id"] = endOfText,
                ["content"] = "<|endoftext|>",
                ["single_word"] = false,
                ["lstrip"] = false,
                ["rstrip"] = false,
                ["normalized"] = true,
                ["special"] = true,
            }),
            ["normalizer"] = null,
            ["pre_tokenizer"] = new JsonObject { ["type"] = "ByteLevel", ["add_prefix_space"] = false, ["trim_offsets"] = true, ["use_regex"] = true },
            ["post_processor"] = new JsonObject { ["type"] = "ByteLevel", ["add_prefix_space"] = true, ["trim_offsets"] = false, ["use_regex"] = true },
            ["decoder"] = new JsonObject { ["type"] = "ByteLevel", ["add_prefix_space"] = true, ["trim_offsets"] = true, ["use_regex"] = true },
            ["model"] = new JsonObject
            {
                ["type"] = "BPE",
                ["dropout"] = null,
                ["unk_token"] = null,
                ["continuing_subword_prefix"] = "",
                ["end_of_word_suffix"] = "",
                ["fuse_unk"] = false,
                ["vocab"] = vocab,
                ["merges"] = merges,
            },
        };
    }

    public static MemoryStream ToStream(JsonNode node) => new(Encoding.UTF8.GetBytes(node.ToJsonString()));

    /// <summary>The GPT-2 byte-level symbols in byte order, computed independently of the library.</summary>
    private static IEnumerable<string> ByteSymbols()
    {
        int extra = 0;
        for (int b = 0; b < 256; b++)
        {
            bool printable = b is (>= 0x21 and <= 0x7E) or (>= 0xA1 and <= 0xAC) or (>= 0xAE and <= 0xFF);
            yield return ((char)(printable ? b : 256 + extra++)).ToString();
        }
    }
}
