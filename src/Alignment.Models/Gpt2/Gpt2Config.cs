using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Alignment.Models.Gpt2;

/// <summary>
/// The hyper-parameters of a GPT-2 model, read from and written to a Hugging Face <c>config.json</c>.
/// Defaults are GPT-2 small (124M).
/// </summary>
public sealed record Gpt2Config
{
    /// <summary>Vocabulary size (<c>vocab_size</c>). The default value is 50257.</summary>
    public int VocabSize { get; init; } = 50257;

    /// <summary>Size of the position table (<c>n_positions</c>). The default value is 1024.</summary>
    public int MaxPositions { get; init; } = 1024;

    /// <summary>Hidden size (<c>n_embd</c>). The default value is 768.</summary>
    public int EmbeddingSize { get; init; } = 768;

    /// <summary>Number of transformer blocks (<c>n_layer</c>). The default value is 12.</summary>
    public int LayerCount { get; init; } = 12;

    /// <summary>Number of attention heads (<c>n_head</c>). The default value is 12.</summary>
    public int HeadCount { get; init; } = 12;

    /// <summary>MLP inner size (<c>n_inner</c>); null means 4 × <see cref="EmbeddingSize"/>. The default value is null.</summary>
    public int? InnerSize { get; init; }

    /// <summary>MLP activation (<c>activation_function</c>): "gelu_new", "gelu_pytorch_tanh" or "relu". The default value is "gelu_new".</summary>
    public string ActivationFunction { get; init; } = "gelu_new";

    /// <summary>LayerNorm epsilon (<c>layer_norm_epsilon</c>). The default value is 1e-5.</summary>
    public float LayerNormEpsilon { get; init; } = 1e-5f;

    /// <summary>Dropout after the embeddings (<c>embd_pdrop</c>). The default value is 0.1.</summary>
    public float EmbeddingDropout { get; init; } = 0.1f;

    /// <summary>Dropout on the residual branches (<c>resid_pdrop</c>). The default value is 0.1.</summary>
    public float ResidualDropout { get; init; } = 0.1f;

    /// <summary>
    /// Dropout on attention probabilities (<c>attn_pdrop</c>); kept for round trips, but the fused attention kernel does not
    /// apply it. The default value is 0.1.
    /// </summary>
    public float AttentionDropout { get; init; } = 0.1f;

    /// <summary>Standard deviation of the initial weights (<c>initializer_range</c>). The default value is 0.02.</summary>
    public float InitializerRange { get; init; } = 0.02f;

    /// <summary>Beginning-of-sequence id (<c>bos_token_id</c>). The default value is 50256.</summary>
    public int? BosTokenId { get; init; } = 50256;

    /// <summary>End-of-sequence id (<c>eos_token_id</c>). The default value is 50256.</summary>
    public int? EosTokenId { get; init; } = 50256;

    /// <summary>Padding id (<c>pad_token_id</c>); GPT-2 has none. The default value is null.</summary>
    public int? PadTokenId { get; init; }

    /// <summary>Whether the output projection shares the token embedding (<c>tie_word_embeddings</c>). The default value is true.</summary>
    public bool TieWordEmbeddings { get; init; } = true;

    /// <summary>The MLP inner size actually used.</summary>
    public int ResolvedInnerSize => InnerSize ?? (4 * EmbeddingSize);

    /// <summary>Size of one attention head.</summary>
    public int HeadSize => EmbeddingSize / HeadCount;

    /// <summary>Checks every value and throws one exception listing all problems.</summary>
    public void Validate()
    {
        var errors = new List<string>();
        if (VocabSize < 1) errors.Add($"vocab_size must be positive (got {VocabSize}).");
        if (MaxPositions < 1) errors.Add($"n_positions must be positive (got {MaxPositions}).");
        if (EmbeddingSize < 1) errors.Add($"n_embd must be positive (got {EmbeddingSize}).");
        if (LayerCount < 1) errors.Add($"n_layer must be positive (got {LayerCount}).");
        if (HeadCount < 1 || (EmbeddingSize % Math.Max(HeadCount, 1)) != 0) errors.Add($"n_head ({HeadCount}) must be positive and divide n_embd ({EmbeddingSize}).");
        if (InnerSize is < 1) errors.Add($"n_inner must be positive or null (got {InnerSize}).");
        if (ActivationFunction is not ("gelu_new" or "gelu_pytorch_tanh" or "relu")) errors.Add($"activation_function '{ActivationFunction}' is not supported (use gelu_new, gelu_pytorch_tanh or relu).");
        if (!(LayerNormEpsilon > 0)) errors.Add($"layer_norm_epsilon must be positive (got {LayerNormEpsilon}).");
        foreach (var (name, p) in new[] { ("embd_pdrop", EmbeddingDropout), ("resid_pdrop", ResidualDropout), ("attn_pdrop", AttentionDropout) })
        {
            if (p is < 0f or >= 1f) errors.Add($"{name} must be in [0, 1) (got {p}).");
        }

        foreach (var (name, id) in new[] { ("bos_token_id", BosTokenId), ("eos_token_id", EosTokenId), ("pad_token_id", PadTokenId) })
        {
            if (id is { } v && (v < 0 || v >= VocabSize)) errors.Add($"{name} {v} is outside the vocabulary [0, {VocabSize}).");
        }

        if (errors.Count > 0)
        {
            throw new ArgumentException("Invalid GPT-2 configuration: " + string.Join(" ", errors));
        }
    }

    /// <summary>Reads a Hugging Face <c>config.json</c>; missing keys take the defaults.</summary>
    /// <param name="path">The file.</param>
    /// <returns>The validated configuration.</returns>
    public static Gpt2Config Load(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        try
        {
            return Parse(File.ReadAllText(path));
        }
        catch (Exception ex) when (ex is JsonException or FormatException or InvalidOperationException or ArgumentException)
        {
            throw new InvalidDataException($"{path}: {ex.Message}", ex);
        }
    }

    /// <summary>Parses the JSON text of a Hugging Face GPT-2 configuration.</summary>
    /// <param name="json">The text.</param>
    /// <returns>The validated configuration.</returns>
    public static Gpt2Config Parse(string json)
    {
        var root = JsonNode.Parse(json) as JsonObject ?? throw new FormatException("config.json is not a JSON object.");
        var d = new Gpt2Config();
        var config = new Gpt2Config
        {
            VocabSize = Int(root, "vocab_size") ?? d.VocabSize,
            MaxPositions = Int(root, "n_positions") ?? d.MaxPositions,
            EmbeddingSize = Int(root, "n_embd") ?? d.EmbeddingSize,
            LayerCount = Int(root, "n_layer") ?? d.LayerCount,
            HeadCount = Int(root, "n_head") ?? d.HeadCount,
            InnerSize = Int(root, "n_inner"),
            ActivationFunction = root["activation_function"]?.GetValue<string>() ?? d.ActivationFunction,
            LayerNormEpsilon = Float(root, "layer_norm_epsilon") ?? d.LayerNormEpsilon,
            EmbeddingDropout = Float(root, "embd_pdrop") ?? d.EmbeddingDropout,
            ResidualDropout = Float(root, "resid_pdrop") ?? d.ResidualDropout,
            AttentionDropout = Float(root, "attn_pdrop") ?? d.AttentionDropout,
            InitializerRange = Float(root, "initializer_range") ?? d.InitializerRange,
            BosTokenId = root.ContainsKey("bos_token_id") ? Int(root, "bos_token_id") : d.BosTokenId,
            EosTokenId = root.ContainsKey("eos_token_id") ? Int(root, "eos_token_id") : d.EosTokenId,
            PadTokenId = Int(root, "pad_token_id"),
            TieWordEmbeddings = root["tie_word_embeddings"]?.GetValue<bool>() ?? true,
        };
        config.Validate();
        return config;
    }

    /// <summary>The Hugging Face <c>config.json</c> text for this configuration.</summary>
    /// <returns>Indented JSON.</returns>
    public string ToJson()
    {
        var o = new JsonObject
        {
            ["architectures"] = new JsonArray("GPT2LMHeadModel"),
            ["model_type"] = "gpt2",
            ["vocab_size"] = VocabSize,
            ["n_positions"] = MaxPositions,
            ["n_ctx"] = MaxPositions,
            ["n_embd"] = EmbeddingSize,
            ["n_layer"] = LayerCount,
            ["n_head"] = HeadCount,
            ["n_inner"] = InnerSize,
            ["activation_function"] = ActivationFunction,
            ["layer_norm_epsilon"] = LayerNormEpsilon,
            ["embd_pdrop"] = EmbeddingDropout,
            ["resid_pdrop"] = ResidualDropout,
            ["attn_pdrop"] = AttentionDropout,
            ["initializer_range"] = InitializerRange,
            ["bos_token_id"] = BosTokenId,
            ["eos_token_id"] = EosTokenId,
            ["tie_word_embeddings"] = TieWordEmbeddings,
        };
        if (PadTokenId is not null)
        {
            o["pad_token_id"] = PadTokenId;
        }

        return o.ToJsonString(new JsonSerializerOptions { WriteIndented = true });
    }

    private static int? Int(JsonObject o, string key) => o[key] is JsonValue v && v.GetValueKind() == JsonValueKind.Number ? v.GetValue<int>() : null;

    private static float? Float(JsonObject o, string key) =>
        o[key] is JsonValue v && v.GetValueKind() == JsonValueKind.Number ? float.Parse(v.ToJsonString(), CultureInfo.InvariantCulture) : null;
}
