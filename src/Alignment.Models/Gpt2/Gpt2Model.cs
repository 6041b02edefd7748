using Alignment.NN;

namespace Alignment.Models.Gpt2;

/// <summary>
/// The GPT-2 transformer (Hugging Face's GPT2Model): token and position embeddings, the blocks and the
/// final LayerNorm. Parameter names equal the Hugging Face keys (wte, wpe, h.{i}.…, ln_f).
/// </summary>
public sealed class Gpt2Model : Module
{
    private readonly RandomGenerator _random;

    /// <summary>
    /// Creates a randomly initialised transformer (GPT-2's init: N(0, 0.02²), residual projections scaled). The generator,
    /// which the blocks share, is registered as "random" (see <see cref="Module.NamedRandomGenerators"/>), so that
    /// checkpoints can keep the state of the dropout masks.
    /// </summary>
    /// <param name="config">The configuration (validated).</param>
    /// <param name="random">Seeded generator for initialisation and dropout.</param>
    public Gpt2Model(Gpt2Config config, RandomGenerator random)
        : this(config, random, WeightInit.From(random))
    {
    }

    /// <summary>Creates a transformer with parameters filled as <paramref name="init"/> says (zero when loading weights).</summary>
    /// <param name="config">The configuration (validated).</param>
    /// <param name="random">Seeded generator for dropout.</param>
    /// <param name="init">Random or zero parameters.</param>
    internal Gpt2Model(Gpt2Config config, RandomGenerator random, WeightInit init)
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(random);
        config.Validate();
        Config = config;
        _random = RegisterRandomGenerator("random", random);
        TokenEmbedding = RegisterModule("wte", init.Embedding(config.VocabSize, config.EmbeddingSize, config.InitializerRange));
        PositionEmbedding = RegisterModule("wpe", init.Embedding(config.MaxPositions, config.EmbeddingSize, config.InitializerRange / 2f));
        var blocks = new ModuleList<Gpt2Block>();
        for (var i = 0; i < config.LayerCount; i++)
        {
            blocks.Add(new Gpt2Block(config, random, init));
        }

        Blocks = RegisterModule("h", blocks);
        FinalNorm = RegisterModule("ln_f", new LayerNorm(config.EmbeddingSize, config.LayerNormEpsilon));
    }

    /// <summary>The configuration.</summary>
    public Gpt2Config Config { get; }

    /// <summary>Token embedding (wte), [V, C].</summary>
    public Embedding TokenEmbedding { get; }

    /// <summary>Position embedding (wpe), [positions, C].</summary>
    public Embedding PositionEmbedding { get; }

    /// <summary>The transformer blocks (h).</summary>
    public ModuleList<Gpt2Block> Blocks { get; }

    /// <summary>The final LayerNorm (ln_f).</summary>
    public LayerNorm FinalNorm { get; }

    /// <summary>
    /// Computes hidden states [B, T, C] for token ids [B, T].
    /// <paramref name="attentionMask"/> [B, S] (S = cached positions + T) marks real tokens with 1 and padding with 0;
    /// without <paramref name="positionIds"/>, positions are cumsum(mask) − 1 clamped at 0 (so left-padded rows
    /// start at 0, as Hugging Face generation does), or past … past + T − 1 without a mask.
    /// </summary>
    /// <param name="inputIds">Token ids, [B, T].</param>
    /// <param name="attentionMask">1 for real tokens, 0 for padding, [B, S]; the default value is null (all real).</param>
    /// <param name="positionIds">Explicit positions, [B, T]; the default value is null (derived).</param>
    /// <param name="cache">Key/value cache for incremental decoding, made for this model and batch; the default value is null.</param>
    /// <returns>Hidden states after ln_f.</returns>
    /// <exception cref="ArgumentException">The mask has the wrong shape, or the cache was made for another layer count, batch size, head count or head size.</exception>
    public Tensor Forward(IntTensor inputIds, IntTensor? attentionMask = null, IntTensor? positionIds = null, KeyValueCache? cache = null)
    {
        ArgumentNullException.ThrowIfNull(inputIds);
        if (inputIds.Rank != 2)
        {
            throw new ArgumentException($"Input ids must be [B, T], got {Shapes.Format(inputIds.Dimensions)}.", nameof(inputIds));
        }

        int b = inputIds.Size(0), t = inputIds.Size(1);
        cache?.EnsureFits(Config.LayerCount, b, Config.HeadCount, Config.HeadSize, nameof(cache));
        var past = cache?.Length ?? 0;
        if (attentionMask is not null && (attentionMask.Rank != 2 || attentionMask.Size(0) != b || attentionMask.Size(1) != past + t))
        {
            throw new ArgumentException($"The attention mask must be [{b}, {past + t}] (cached + new positions), got {Shapes.Format(attentionMask.Dimensions)}.", nameof(attentionMask));
        }

        var positions = positionIds ?? PositionIds.FromMask(attentionMask, b, t, past);
        foreach (var p in positions.Data)
        {
            if ((uint)p >= (uint)Config.MaxPositions)
            {
                throw new ArgumentOutOfRangeException(nameof(positionIds), $"Position {p} is beyond the model's {Config.MaxPositions} positions.");
            }
        }

        var x = TokenEmbedding.Forward(inputIds) + PositionEmbedding.Forward(positions);
        x = Tensor.Dropout(x, Config.EmbeddingDropout, IsTraining, _random);
        // With a cache the mask is filled once into the cache's [B, capacity] buffer, which every layer reads.
        var keyMask = attentionMask is null ? null : cache is null ? attentionMask.ToFloat() : cache.PrepareKeyMask(attentionMask, t);
        for (var i = 0; i < Blocks.Count; i++)
        {
            x = Blocks[i].Forward(x, keyMask, cache, i);
        }

        cache?.Advance(t);
        return FinalNorm.Forward(x);
    }

    /// <summary>
    /// Computes the hidden states [B, C] after ln_f at one position per row, with the same values (up to rounding) as
    /// <see cref="Forward"/> read at those positions, and differentiable in the same way. Blocks 0 … L − 2 run at every
    /// position; the last block computes keys and values at every position but its query, attention output, MLP and
    /// ln_f only at the kept position of each row, which attends (as the causal mask lets it) to the real keys at or
    /// before it. Positions are derived from the mask as in <see cref="Forward"/>; no key/value cache is used.
    /// Dropout is applied as in <see cref="Forward"/>, but to fewer elements in the last block, so in training with
    /// non-zero dropout the random stream (and thus the masks) differ from a full pass.
    /// </summary>
    /// <param name="inputIds">Token ids, [B, T].</param>
    /// <param name="attentionMask">1 for real tokens, 0 for padding, [B, T]; null means all real.</param>
    /// <param name="positionsToKeep">The position (0 … T − 1) kept in each row, [B].</param>
    /// <returns>Hidden states after ln_f, [B, C].</returns>
    /// <exception cref="ArgumentException">The ids are not [B, T], the mask is not [B, T] or the positions are not [B].</exception>
    /// <exception cref="ArgumentOutOfRangeException">A kept position is outside 0 … T − 1, or a derived position is beyond the model's.</exception>
    public Tensor ForwardAt(IntTensor inputIds, IntTensor? attentionMask, IntTensor positionsToKeep)
    {
        ArgumentNullException.ThrowIfNull(inputIds);
        ArgumentNullException.ThrowIfNull(positionsToKeep);
        if (inputIds.Rank != 2)
        {
            throw new ArgumentException($"Input ids must be [B, T], got {Shapes.Format(inputIds.Dimensions)}.", nameof(inputIds));
        }

        int b = inputIds.Size(0), t = inputIds.Size(1);
        if (attentionMask is not null && (attentionMask.Rank != 2 || attentionMask.Size(0) != b || attentionMask.Size(1) != t))
        {
            throw new ArgumentException($"The attention mask must be [{b}, {t}], got {Shapes.Format(attentionMask.Dimensions)}.", nameof(attentionMask));
        }

        if (positionsToKeep.Rank != 1 || positionsToKeep.Size(0) != b)
        {
            throw new ArgumentException($"The kept positions must be [{b}], got {Shapes.Format(positionsToKeep.Dimensions)}.", nameof(positionsToKeep));
        }

        // Flat row indices r·T + p into [B·T, ·], and the last block's key mask: real keys at or before the kept position.
        var rows = new IntTensor(b);
        var lastMask = new float[b * t];
        for (var r = 0; r < b; r++)
        {
            var p = positionsToKeep.Data[r];
            if ((uint)p >= (uint)t)
            {
                throw new ArgumentOutOfRangeException(nameof(positionsToKeep), $"Kept position {p} of row {r} is outside 0 … {t - 1}.");
            }

            rows.Data[r] = (r * t) + p;
            for (var j = 0; j <= p; j++)
            {
                lastMask[(r * t) + j] = attentionMask is null || attentionMask.Data[(r * t) + j] != 0 ? 1f : 0f;
            }
        }

        var positions = PositionIds.FromMask(attentionMask, b, t, 0);
        foreach (var p in positions.Data)
        {
            if ((uint)p >= (uint)Config.MaxPositions)
            {
                throw new ArgumentOutOfRangeException(nameof(inputIds), $"Position {p} is beyond the model's {Config.MaxPositions} positions.");
            }
        }

        var x = TokenEmbedding.Forward(inputIds) + PositionEmbedding.Forward(positions);
        x = Tensor.Dropout(x, Config.EmbeddingDropout, IsTraining, _random);
        var keyMask = attentionMask?.ToFloat();
        for (var i = 0; i < Blocks.Count - 1; i++)
        {
            x = Blocks[i].Forward(x, keyMask, cache: null, i);
        }

        var h = Blocks[^1].ForwardAt(x, rows, Tensor.FromArray(lastMask, b, t)); // [B, C]
        return FinalNorm.Forward(h);
    }
}
