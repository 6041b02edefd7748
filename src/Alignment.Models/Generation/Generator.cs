using Alignment.Models.Gpt2;
using Alignment.Models.Tokenization;

namespace Alignment.Models.Generation;

/// <summary>
/// Batched text generation with a key/value cache: prompts of different lengths are left-padded (positions follow the
/// attention mask, cumsum(mask) − 1), the whole padded batch is prefilled once, then each step feeds only the new
/// token of every row. Rows finish at a stop token (after <see cref="GenerationOptions.MinNewTokens"/>); the loop ends
/// when every row has finished or after <see cref="GenerationOptions.MaxNewTokens"/> steps.
/// </summary>
/// <remarks>
/// The model runs in evaluation mode (no dropout) under <see cref="Tensor.NoGrad"/>; its previous training flags are
/// restored afterwards. Each step's tensors live in their own <see cref="TensorScope"/>, so memory is recycled.
/// Sampling uses one <see cref="RandomGenerator"/> seeded with <see cref="GenerationOptions.Seed"/> and draws one number
/// per row per step, in row order, also for rows that have finished: a row's draws do not depend on when other rows stop.
/// With <see cref="GenerationOptions.TransposeWeights"/> (the default) every Conv1D weight and the output projection
/// are copied and laid out for decoding at the start of the call, and decoded from (with
/// <see cref="GenerationOptions.DecodeWeightPrecision"/> = BFloat16, rounded); the
/// copies are dropped when the call ends, also when it throws, and so is the key/value cache, whose buffers go back to
/// the tensor pool for the next call of the same size. A call changes the model's state while it runs (training flags, these copies): do not use the model from
/// another thread meanwhile.
/// </remarks>
public static class Generator
{
    /// <summary>Continues each prompt (token ids) and returns the padded sequences, masks and log-probabilities.</summary>
    /// <param name="model">The language model; used in evaluation mode, its training flags are restored afterwards.</param>
    /// <param name="prompts">One non-empty array of token ids per row.</param>
    /// <param name="options">Lengths, decoding, stop tokens and seed.</param>
    /// <param name="cancellationToken">Checked before every step. The default value is <see cref="CancellationToken.None"/>.</param>
    /// <returns>The generated batch.</returns>
    /// <exception cref="ArgumentException">The options are invalid, a prompt is empty, an id is outside the vocabulary, or prompt plus new tokens exceed the model's positions.</exception>
    public static GenerationResult Generate(Gpt2LanguageModel model, IReadOnlyList<int[]> prompts, GenerationOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(prompts);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        CheckInputs(model.Config, prompts, options);
        var stopTokenIds = options.StopTokenIds.Distinct().ToArray();
        var state = new GenerationState(prompts, options.MaxNewTokens, options.ResolvedPadTokenId, stopTokenIds);
        var sampling = new RowSampling(state.BatchSize, model.Config.VocabSize, options);
        var random = new RandomGenerator(options.Seed);
        using var evaluation = new EvaluationModeScope(model);
        using var noGrad = Tensor.NoGrad();
        using var decodeWeights = options.TransposeWeights ? new DecodeWeightsScope(model, options.DecodeWeightPrecision) : null;
        using var cache = model.CreateCache(state.BatchSize, state.Width);
        var decodeIds = new IntTensor(state.BatchSize, 1);
        var decodePositions = new IntTensor(state.BatchSize, 1);
        for (var step = 0; step < options.MaxNewTokens; step++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            using (TensorScope.Begin())
            {
                var logits = step == 0 ? Prefill(model, state, cache) : Decode(model, state, cache, decodeIds, decodePositions);
                sampling.Choose(logits, state, options.DoSample ? random : null, step < options.MinNewTokens);
            }

            if (state.AllFinished)
            {
                break;
            }
        }

        return state.ToResult();
    }

    /// <summary>
    /// Encodes each prompt with <paramref name="tokenizer"/> (special-token text stays plain text), generates, and decodes
    /// each response. Stop tokens are not added for you: set <see cref="GenerationOptions.StopTokenIds"/> (typically to
    /// the tokenizer's <see cref="ITokenizer.EndOfTextId"/>).
    /// </summary>
    /// <param name="model">The language model.</param>
    /// <param name="tokenizer">The tokenizer of the model.</param>
    /// <param name="prompts">One non-empty text per row.</param>
    /// <param name="options">Lengths, decoding, stop tokens and seed.</param>
    /// <param name="cancellationToken">Checked before every step. The default value is <see cref="CancellationToken.None"/>.</param>
    /// <returns>The generated batch and the decoded responses.</returns>
    public static TextGenerationResult Generate(Gpt2LanguageModel model, ITokenizer tokenizer, IReadOnlyList<string> prompts, GenerationOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(tokenizer);
        ArgumentNullException.ThrowIfNull(prompts);
        ArgumentNullException.ThrowIfNull(options);
        var ids = prompts.Select(p => tokenizer.EncodeToIds(p ?? throw new ArgumentException("A prompt is null.", nameof(prompts)))).ToArray();
        var result = Generate(model, ids, options, cancellationToken);
        var texts = new string[result.BatchSize];
        for (var r = 0; r < texts.Length; r++)
        {
            var response = result.GetResponseIds(r).AsSpan();
            if (result.IsStopped(r))
            {
                response = response[..^1];
            }

            texts[r] = tokenizer.Decode((ReadOnlySpan<int>)response);
        }

        return new TextGenerationResult(result, texts);
    }

    // Runs the padded prompts [B, P] through the model, filling the cache; logits of the last column, [B, 1, V].
    private static Tensor Prefill(Gpt2LanguageModel model, GenerationState state, KeyValueCache cache)
    {
        var hidden = model.Transformer.Forward(state.PromptIds(), state.AttentionMask(), positionIds: null, cache); // [B, P, C]
        return model.ComputeLogits(hidden.Narrow(1, state.PromptLength - 1, 1));
    }

    // Feeds the last generated column [B, 1] at its positions; logits [B, 1, V].
    private static Tensor Decode(Gpt2LanguageModel model, GenerationState state, KeyValueCache cache, IntTensor ids, IntTensor positions)
    {
        for (var r = 0; r < state.BatchSize; r++)
        {
            ids.Data[r] = state.LastToken(r);
            positions.Data[r] = state.LastPosition(r);
        }

        return model.ComputeLogits(model.Transformer.Forward(ids, state.AttentionMask(), positions, cache));
    }

    private static void CheckInputs(Gpt2Config config, IReadOnlyList<int[]> prompts, GenerationOptions options)
    {
        var errors = new List<string>();
        if (prompts.Count == 0)
        {
            errors.Add("At least one prompt is needed.");
        }

        for (var r = 0; r < prompts.Count; r++)
        {
            var prompt = prompts[r];
            if (prompt is null || prompt.Length == 0)
            {
                errors.Add($"Prompt {r} is empty.");
            }
            else if (prompt.Any(id => (uint)id >= (uint)config.VocabSize))
            {
                errors.Add($"Prompt {r} has ids outside the vocabulary [0, {config.VocabSize}).");
            }
        }

        if (options.StopTokenIds.Any(id => id >= config.VocabSize))
        {
            errors.Add($"StopTokenIds must lie in the vocabulary [0, {config.VocabSize}).");
        }

        if (options.ResolvedPadTokenId >= config.VocabSize)
        {
            errors.Add($"The pad id {options.ResolvedPadTokenId} is outside the vocabulary [0, {config.VocabSize}).");
        }

        if (options.MinNewTokens > 0 && options.StopTokenIds.Distinct().Count() >= config.VocabSize)
        {
            errors.Add("With MinNewTokens > 0, the stop tokens must not cover the whole vocabulary.");
        }

        var longest = prompts.Where(p => p is not null).Select(p => p.Length).DefaultIfEmpty(0).Max();
        if (longest + options.MaxNewTokens > config.MaxPositions)
        {
            errors.Add($"The longest prompt ({longest} tokens) plus MaxNewTokens ({options.MaxNewTokens}) exceeds the model's {config.MaxPositions} positions.");
        }

        if (errors.Count > 0)
        {
            throw new ArgumentException("Cannot generate: " + string.Join(" ", errors), nameof(prompts));
        }
    }
}
