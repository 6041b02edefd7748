namespace Alignment.Models.Generation;

/// <summary>
/// The output of <see cref="Generator.Generate(Gpt2.Gpt2LanguageModel, IReadOnlyList{int[]}, GenerationOptions, CancellationToken)"/>
/// for a batch of B prompts: the left-padded prompts (P columns) followed by N generated columns, where N is the number of
/// decoding steps actually run (at most <see cref="GenerationOptions.MaxNewTokens"/>; fewer when every row stopped early).
/// </summary>
public sealed class GenerationResult
{
    private readonly bool[] _stopped;

    internal GenerationResult(IntTensor sequences, IntTensor attentionMask, IntTensor responseMask, Tensor logProbabilities, int promptLength, int[] responseLengths, bool[] stopped)
    {
        _stopped = stopped;
        Sequences = sequences;
        AttentionMask = attentionMask;
        ResponseMask = responseMask;
        LogProbabilities = logProbabilities;
        PromptLength = promptLength;
        ResponseLengths = responseLengths;
    }

    /// <summary>
    /// Token ids [B, P + N]: each prompt left-padded to P with the pad id, then the generated tokens; after a row's stop
    /// token the row holds the pad id.
    /// </summary>
    public IntTensor Sequences { get; }

    /// <summary>[B, P + N]: 1 for real prompt tokens and for generated tokens up to and including the stop token, 0 for padding.</summary>
    public IntTensor AttentionMask { get; }

    /// <summary>[B, N]: 1 for generated tokens up to and including the first stop token, 0 after it.</summary>
    public IntTensor ResponseMask { get; }

    /// <summary>
    /// [B, N]: the log-probability of each generated token, log_softmax(logits / temperature) over the whole vocabulary
    /// (as TRL recomputes it for PPO), that is before top-k, top-p and the stop-token suppression of
    /// <see cref="GenerationOptions.MinNewTokens"/>; 0 where <see cref="ResponseMask"/> is 0. Allocated in the caller's
    /// current <see cref="TensorScope"/>, if any.
    /// </summary>
    public Tensor LogProbabilities { get; }

    /// <summary>P: the length of the longest prompt, the column where responses start.</summary>
    public int PromptLength { get; }

    /// <summary>The number of generated tokens of each row, including its stop token (the number of ones in its <see cref="ResponseMask"/> row).</summary>
    public int[] ResponseLengths { get; }

    /// <summary>B: the number of prompts.</summary>
    public int BatchSize => Sequences.Size(0);

    /// <summary>N: the number of generated columns (decoding steps run).</summary>
    public int GeneratedLength => ResponseMask.Size(1);

    /// <summary>Whether a row ended with one of the stop tokens (rather than reaching the length limit).</summary>
    /// <param name="row">The row, 0 … B − 1.</param>
    /// <returns>True when the row's last response token is a stop token.</returns>
    public bool IsStopped(int row) => _stopped[CheckRow(row)];

    /// <summary>The generated ids of one row, up to and including its stop token (padding left out).</summary>
    /// <param name="row">The row, 0 … B − 1.</param>
    /// <returns>A new array of <see cref="ResponseLengths"/>[row] ids.</returns>
    public int[] GetResponseIds(int row)
    {
        var width = Sequences.Size(1);
        return Sequences.Data.AsSpan((CheckRow(row) * width) + PromptLength, ResponseLengths[row]).ToArray();
    }

    /// <summary>The prompt ids of one row, without its left padding.</summary>
    /// <param name="row">The row, 0 … B − 1.</param>
    /// <returns>A new array.</returns>
    public int[] GetPromptIds(int row)
    {
        var width = Sequences.Size(1);
        var start = CheckRow(row) * width;
        var mask = AttentionMask.Data.AsSpan(start, PromptLength);
        var padding = mask.IndexOf(1);
        return padding < 0 ? [] : Sequences.Data.AsSpan(start + padding, PromptLength - padding).ToArray();
    }

    private int CheckRow(int row)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(row);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(row, BatchSize);
        return row;
    }
}
