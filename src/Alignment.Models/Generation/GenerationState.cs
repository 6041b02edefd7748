namespace Alignment.Models.Generation;

/// <summary>
/// The batch while it grows: left-padded prompts (P columns), then one column per decoding step, with the attention
/// and response masks, log-probabilities, per-row lengths and finished flags. Buffers are sized for the most steps
/// once; <see cref="ToResult"/> trims them to the steps actually run.
/// </summary>
internal sealed class GenerationState
{
    private readonly int[] _sequences;          // [B, P + maxNew]
    private readonly int[] _attentionMask;      // [B, P + maxNew]
    private readonly int[] _responseMask;       // [B, maxNew]
    private readonly float[] _logProbabilities; // [B, maxNew]
    private readonly int[] _responseLengths;    // [B]
    private readonly int[] _realTokens;         // [B] ones in the attention mask so far
    private readonly bool[] _finished;          // [B]
    private readonly int[] _stopTokenIds;
    private readonly int _padTokenId;

    public GenerationState(IReadOnlyList<int[]> prompts, int maxNewTokens, int padTokenId, int[] stopTokenIds)
    {
        BatchSize = prompts.Count;
        PromptLength = prompts.Max(p => p.Length);
        MaxNewTokens = maxNewTokens;
        _padTokenId = padTokenId;
        _stopTokenIds = stopTokenIds;
        _sequences = new int[BatchSize * Width];
        _attentionMask = new int[BatchSize * Width];
        _responseMask = new int[BatchSize * maxNewTokens];
        _logProbabilities = new float[BatchSize * maxNewTokens];
        _responseLengths = new int[BatchSize];
        _realTokens = new int[BatchSize];
        _finished = new bool[BatchSize];
        Array.Fill(_sequences, padTokenId);
        for (var r = 0; r < BatchSize; r++)
        {
            var prompt = prompts[r];
            var start = (r * Width) + PromptLength - prompt.Length;
            prompt.CopyTo(_sequences, start);
            _attentionMask.AsSpan(start, prompt.Length).Fill(1);
            _realTokens[r] = prompt.Length;
        }
    }

    /// <summary>B.</summary>
    public int BatchSize { get; }

    /// <summary>P: the longest prompt.</summary>
    public int PromptLength { get; }

    /// <summary>The most decoding steps.</summary>
    public int MaxNewTokens { get; }

    /// <summary>The buffers' row width, P + the most steps.</summary>
    public int Width => PromptLength + MaxNewTokens;

    /// <summary>Decoding steps completed (generated columns).</summary>
    public int Steps { get; private set; }

    /// <summary>Whether every row has produced a stop token.</summary>
    public bool AllFinished => Array.TrueForAll(_finished, f => f);

    /// <summary>The ids of the stop tokens.</summary>
    public ReadOnlySpan<int> StopTokenIds => _stopTokenIds;

    /// <summary>Whether a row has produced a stop token.</summary>
    public bool IsFinished(int row) => _finished[row];

    /// <summary>The left-padded prompts [B, P].</summary>
    public IntTensor PromptIds() => Columns(_sequences, PromptLength);

    /// <summary>The attention mask of the prompts and the columns generated so far, [B, P + steps].</summary>
    public IntTensor AttentionMask() => Columns(_attentionMask, PromptLength + Steps);

    /// <summary>The token of a row in the last generated column (the next decoding input).</summary>
    public int LastToken(int row) => _sequences[(row * Width) + PromptLength + Steps - 1];

    /// <summary>The position id of a row's last column: cumsum(mask) − 1, clamped at 0.</summary>
    public int LastPosition(int row) => Math.Max(_realTokens[row] - 1, 0);

    /// <summary>Writes a generated token of an unfinished row into the current column.</summary>
    public void Append(int row, int token, float logProbability)
    {
        var column = PromptLength + Steps;
        _sequences[(row * Width) + column] = token;
        _attentionMask[(row * Width) + column] = 1;
        _responseMask[(row * MaxNewTokens) + Steps] = 1;
        _logProbabilities[(row * MaxNewTokens) + Steps] = logProbability;
        _responseLengths[row]++;
        _realTokens[row]++;
        if (_stopTokenIds.AsSpan().Contains(token))
        {
            _finished[row] = true;
        }
    }

    /// <summary>Leaves the current column of a finished row as masked padding.</summary>
    public void AppendPadding(int row) => _sequences[(row * Width) + PromptLength + Steps] = _padTokenId;

    /// <summary>Moves to the next column once every row was written.</summary>
    public void EndStep() => Steps++;

    /// <summary>The result trimmed to the steps run; the log-probability tensor is allocated in the current scope.</summary>
    public GenerationResult ToResult()
    {
        var width = PromptLength + Steps;
        var logProbabilities = new float[BatchSize * Steps];
        var responseMask = new int[BatchSize * Steps];
        for (var r = 0; r < BatchSize; r++)
        {
            _logProbabilities.AsSpan(r * MaxNewTokens, Steps).CopyTo(logProbabilities.AsSpan(r * Steps));
            _responseMask.AsSpan(r * MaxNewTokens, Steps).CopyTo(responseMask.AsSpan(r * Steps));
        }

        return new GenerationResult(
            Columns(_sequences, width),
            Columns(_attentionMask, width),
            new IntTensor(responseMask, BatchSize, Steps),
            Tensor.FromArray(logProbabilities, BatchSize, Steps),
            PromptLength,
            (int[])_responseLengths.Clone(),
            (bool[])_finished.Clone());
    }

    // The first `count` columns of a [B, Width] buffer as a new [B, count] tensor.
    private IntTensor Columns(int[] buffer, int count)
    {
        var result = new int[BatchSize * count];
        for (var r = 0; r < BatchSize; r++)
        {
            buffer.AsSpan(r * Width, count).CopyTo(result.AsSpan(r * count));
        }

        return new IntTensor(result, BatchSize, count);
    }
}
