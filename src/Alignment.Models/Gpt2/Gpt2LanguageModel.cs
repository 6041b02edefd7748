using Alignment.NN;

namespace Alignment.Models.Gpt2;

/// <summary>
/// GPT-2 with its language-model head (Hugging Face's GPT2LMHeadModel): the transformer and an output
/// projection tied to the token embedding. Loads and saves Hugging Face checkpoints
/// (<c>config.json</c> + <c>model.safetensors</c>).
/// </summary>
public sealed class Gpt2LanguageModel : Module
{
    // The tied embedding [V, C] in the decode layout, copied by AttachDecodeHead; null when none is attached.
    private DecodeWeight? _decodeHead;

    /// <summary>Creates a randomly initialised model.</summary>
    /// <param name="config">The configuration.</param>
    /// <param name="seed">Seed for initialisation and dropout. The default value is 0.</param>
    public Gpt2LanguageModel(Gpt2Config config, ulong seed = 0)
        : this(config, seed, initialize: true)
    {
    }

    /// <summary>Creates a model, randomly initialised or, for weights loaded right after, with zero parameters (no draws).</summary>
    /// <param name="config">The configuration.</param>
    /// <param name="seed">Seed for initialisation and dropout.</param>
    /// <param name="initialize">Whether to draw the initial parameters; false leaves them zero.</param>
    internal Gpt2LanguageModel(Gpt2Config config, ulong seed, bool initialize)
    {
        ArgumentNullException.ThrowIfNull(config);
        if (!config.TieWordEmbeddings)
        {
            throw new NotSupportedException("Only GPT-2 models with tied word embeddings (tie_word_embeddings = true) are supported.");
        }

        var random = new RandomGenerator(seed);
        Transformer = RegisterModule("transformer", new Gpt2Model(config, random, initialize ? WeightInit.From(random) : WeightInit.Zeros));
    }

    /// <summary>The configuration.</summary>
    public Gpt2Config Config => Transformer.Config;

    /// <summary>The transformer backbone.</summary>
    public Gpt2Model Transformer { get; }

    /// <summary>Logits [B, T, V] for token ids [B, T] (see <see cref="Gpt2Model.Forward"/> for the mask and positions).</summary>
    /// <param name="inputIds">Token ids, [B, T].</param>
    /// <param name="attentionMask">1 for real tokens, 0 for padding; the default value is null.</param>
    /// <param name="positionIds">Explicit positions; the default value is null (derived from the mask).</param>
    /// <param name="cache">Key/value cache for decoding; the default value is null.</param>
    /// <returns>Logits.</returns>
    public Tensor Forward(IntTensor inputIds, IntTensor? attentionMask = null, IntTensor? positionIds = null, KeyValueCache? cache = null) =>
        ComputeLogits(Transformer.Forward(inputIds, attentionMask, positionIds, cache));

    /// <summary>Projects hidden states [..., C] to logits [..., V] with the tied embedding.</summary>
    /// <param name="hidden">Hidden states.</param>
    /// <returns>Logits.</returns>
    /// <remarks>During a generation call with decode weights (<see cref="Generation.GenerationOptions.TransposeWeights"/>),
    /// products of at most <see cref="DecodeWeight.MaxRows"/> rows with gradients off read a copy of the embedding laid
    /// out for decoding instead (rounded to bfloat16 with <see cref="Generation.GenerationOptions.DecodeWeightPrecision"/>
    /// = BFloat16).</remarks>
    public Tensor ComputeLogits(Tensor hidden) =>
        _decodeHead is { } decode && decode.TryLinear(hidden, bias: null, out var logits)
            ? logits
            : Tensor.Linear(hidden, Transformer.TokenEmbedding.Weight);

    /// <summary>Whether a decode copy of the output projection is attached.</summary>
    internal bool HasDecodeHead => _decodeHead is not null;

    /// <summary>
    /// Copies the tied embedding into a buffer (from the tensor pool) laid out for products with few rows, that
    /// <see cref="ComputeLogits"/> reads while gradients are off. The copy does not follow later changes of the
    /// embedding: detach it before the weights change.
    /// </summary>
    /// <param name="bfloat16">Whether the copy holds the embedding rounded to bfloat16.</param>
    /// <exception cref="PlatformNotSupportedException">The machine lacks AVX2 or FMA (<see cref="DecodeWeight.IsSupported"/>).</exception>
    internal void AttachDecodeHead(bool bfloat16)
    {
        DetachDecodeHead();
        _decodeHead = DecodeWeight.FromOutIn(Transformer.TokenEmbedding.Weight, bfloat16);
    }

    /// <summary>Drops the decode copy of the output projection (its buffer goes back to the pool).</summary>
    internal void DetachDecodeHead()
    {
        _decodeHead?.Dispose();
        _decodeHead = null;
    }

    /// <summary>A cache sized for this model; dispose it when done, so that its buffers go back to the tensor pool.</summary>
    /// <param name="batch">Batch size.</param>
    /// <param name="capacity">Maximum positions; the default value (null) is the model's n_positions.</param>
    /// <returns>An empty cache.</returns>
    public KeyValueCache CreateCache(int batch, int? capacity = null) =>
        new(Config.LayerCount, batch, Config.HeadCount, capacity ?? Config.MaxPositions, Config.HeadSize);

    /// <summary>
    /// Loads <c>config.json</c> and <c>model.safetensors</c> from a Hugging Face model folder. Keys may carry the
    /// <c>transformer.</c> prefix or not; the <c>attn.bias</c>/<c>attn.masked_bias</c> buffers of old checkpoints and a
    /// tied <c>lm_head.weight</c> are skipped; F16/BF16 weights are converted; every shape is checked and missing or
    /// unexpected keys are reported together in one exception, before any weight is copied.
    /// </summary>
    /// <param name="directory">The model folder.</param>
    /// <returns>The model, in evaluation mode.</returns>
    /// <exception cref="InvalidDataException">config.json is invalid, or the weights do not match it.</exception>
    public static Gpt2LanguageModel FromPretrained(string directory)
    {
        ArgumentNullException.ThrowIfNull(directory);
        var model = new Gpt2LanguageModel(Gpt2Checkpoint.LoadConfig(directory), seed: 0, initialize: false);
        Gpt2Checkpoint.LoadWeights(model.Transformer, directory);
        model.Eval();
        return model;
    }

    /// <summary>
    /// Writes <c>config.json</c> and <c>model.safetensors</c> (Hugging Face key names, without the <c>transformer.</c>
    /// prefix, F32) into <paramref name="directory"/>. Both files are first written in full to temporary files and only then
    /// renamed over the old ones, and a failed rename puts the old file back, so a failed save leaves the previous
    /// checkpoint intact and never a half-written or mismatched pair.
    /// </summary>
    /// <param name="directory">The folder (created if missing).</param>
    public void SavePretrained(string directory) => Gpt2Checkpoint.Save(directory, Transformer, []);
}
