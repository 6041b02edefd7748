using System.Globalization;

namespace Alignment.Models.Generation;

/// <summary>
/// How <see cref="Generator"/> continues prompts: length limits, greedy or sampled decoding, the logits processing
/// (temperature → top-k → top-p), stop tokens, padding and the seed. <see cref="Validate"/> reports every problem at once.
/// </summary>
public sealed class GenerationOptions
{
    /// <summary>The most tokens generated per prompt; must be greater than 0. The default value is 32.</summary>
    public int MaxNewTokens { get; init; } = 32;

    /// <summary>
    /// The fewest tokens generated per prompt before a stop token may end it; at most <see cref="MaxNewTokens"/>.
    /// Until then the stop tokens' logits are set to −∞ for sampling and greedy choice, which changes the distribution
    /// the tokens are drawn from (the reported log-probabilities do not include this change; see
    /// <see cref="GenerationResult.LogProbabilities"/>). The default value is 0.
    /// </summary>
    public int MinNewTokens { get; init; }

    /// <summary>Whether tokens are sampled; false picks the most likely token (greedy, first on ties). The default value is true.</summary>
    public bool DoSample { get; init; } = true;

    /// <summary>
    /// Logits are divided by the temperature before sampling and before computing log-probabilities; must be finite and
    /// greater than 0 (below 1 sharpens, above 1 flattens). Greedy choice ignores it. The default value is 1.0.
    /// </summary>
    public float Temperature { get; init; } = 1f;

    /// <summary>Sampling keeps only the <c>TopK</c> most likely tokens (ties broken by the lower id); 0 turns it off; must not be negative. The default value is 0.</summary>
    public int TopK { get; init; }

    /// <summary>
    /// Nucleus sampling: keeps the smallest set of most likely tokens whose probability (after top-k, renormalised) adds
    /// up to at least <c>TopP</c>, always at least one token; must be in (0, 1], and 1 turns it off. The default value is 1.0.
    /// </summary>
    public float TopP { get; init; } = 1f;

    /// <summary>
    /// Tokens that end a sequence (typically the end-of-text id); the stop token itself is part of the response.
    /// Ids must not be negative (and must lie in the model's vocabulary). The default value is an empty list (generate
    /// <see cref="MaxNewTokens"/> tokens).
    /// </summary>
    public IReadOnlyList<int> StopTokenIds { get; init; } = [];

    /// <summary>
    /// The id that fills the left padding of shorter prompts and the positions after a sequence has finished (they are
    /// masked out, so any id in the vocabulary works); must not be negative. The default value is null: the first stop
    /// token id, or 0 when there is none.
    /// </summary>
    public int? PadTokenId { get; init; }

    /// <summary>
    /// Whether the call first copies every Conv1D weight of the model ([in, out], Hugging Face's layout) and the tied
    /// output projection into buffers laid out for decoding (column panels: each 24 output columns as one stream, see
    /// BENCHMARKS.md) and decodes with those. A decode step multiplies a few rows by each weight and is bound by reading
    /// the weights from memory: a panel is read as one stream by a kernel that uses each input value once per 24
    /// columns, where the weights themselves are read as short pieces of every row, or by dot products that read all of
    /// the input again for every three columns. The prefill (more than 16 rows) still reads the weights themselves.
    /// Costs one pass over the weights per call and, while the call runs, memory of their size (494 MB for GPT-2 124M:
    /// 340 MB of block weights, 154 MB of embedding); the buffers go back to the tensor pool at the end. Needs AVX2 and
    /// FMA; elsewhere it does nothing. Tokens agree with <c>false</c> up to float rounding (sums in another order). Turn
    /// it off for calls with very few new tokens. The default value is true.
    /// </summary>
    public bool TransposeWeights { get; init; } = true;

    /// <summary>
    /// What the decode copies of <see cref="TransposeWeights"/> hold. <see cref="Generation.DecodeWeightPrecision.BFloat16"/>
    /// rounds every Conv1D weight and the tied token embedding to bfloat16 (to nearest, ties to even) in their copies: a
    /// decode step then reads half the bytes, which is what bounds it (see BENCHMARKS.md for gpt2-124M's figures). Products of
    /// more than 16 rows (the prefill's transformer) still read the float32 weights, and every sum, logit and
    /// log-probability is float32; but the products of at most 16 rows use weights each off by up to 2⁻⁹ of its size,
    /// so the log-probabilities move a little and sampled tokens can differ from float32 decoding. Suits rollouts whose
    /// log-probabilities are recomputed by a training forward (as PPO does), not parity checks. Needs
    /// <see cref="TransposeWeights"/>; on a machine without AVX2 and FMA nothing is copied and decoding is float32. The
    /// copies take half the memory of float32 ones (247 MB for GPT-2 124M). The default value
    /// is <see cref="Generation.DecodeWeightPrecision.Float32"/>.
    /// </summary>
    public DecodeWeightPrecision DecodeWeightPrecision { get; init; } = DecodeWeightPrecision.Float32;

    /// <summary>Seed of the sampling generator; the same seed, model and prompts give the same tokens. The default value is 0.</summary>
    public ulong Seed { get; init; }

    /// <summary>The id used for padding: <see cref="PadTokenId"/>, else the first stop token id, else 0.</summary>
    public int ResolvedPadTokenId => PadTokenId ?? (StopTokenIds is { Count: > 0 } stops ? stops[0] : 0);

    /// <summary>Checks every setting and throws one <see cref="ArgumentException"/> that lists all problems.</summary>
    /// <exception cref="ArgumentException">One or more settings are out of range.</exception>
    public void Validate()
    {
        var errors = new List<string>();
        if (MaxNewTokens <= 0)
        {
            errors.Add(Format("MaxNewTokens must be greater than 0 (got {0}).", MaxNewTokens));
        }

        if (MinNewTokens < 0)
        {
            errors.Add(Format("MinNewTokens must not be negative (got {0}).", MinNewTokens));
        }
        else if (MaxNewTokens > 0 && MinNewTokens > MaxNewTokens)
        {
            errors.Add(Format("MinNewTokens ({0}) must not exceed MaxNewTokens ({1}).", MinNewTokens, MaxNewTokens));
        }

        if (!(Temperature > 0f) || float.IsInfinity(Temperature))
        {
            errors.Add(Format("Temperature must be finite and greater than 0 (got {0}).", Temperature));
        }

        if (TopK < 0)
        {
            errors.Add(Format("TopK must not be negative; 0 turns it off (got {0}).", TopK));
        }

        if (!(TopP > 0f && TopP <= 1f))
        {
            errors.Add(Format("TopP must be in (0, 1]; 1 turns it off (got {0}).", TopP));
        }

        if (StopTokenIds is null)
        {
            errors.Add("StopTokenIds must not be null (use an empty list for none).");
        }
        else if (StopTokenIds.Any(id => id < 0))
        {
            errors.Add("StopTokenIds must not contain negative ids (got " + string.Join(", ", StopTokenIds.Where(id => id < 0)) + ").");
        }

        if (PadTokenId is < 0)
        {
            errors.Add(Format("PadTokenId must not be negative (got {0}).", PadTokenId.Value));
        }

        if (!Enum.IsDefined(DecodeWeightPrecision))
        {
            errors.Add(Format("DecodeWeightPrecision must be Float32 or BFloat16 (got {0}).", (int)DecodeWeightPrecision));
        }
        else if (DecodeWeightPrecision != DecodeWeightPrecision.Float32 && !TransposeWeights)
        {
            errors.Add(Format("DecodeWeightPrecision {0} needs TransposeWeights = true (the precision is that of the decode copies).", DecodeWeightPrecision));
        }

        if (errors.Count > 0)
        {
            throw new ArgumentException("Invalid generation options: " + string.Join(" ", errors));
        }
    }

    private static string Format(string format, params object[] values) => string.Format(CultureInfo.InvariantCulture, format, values);
}
