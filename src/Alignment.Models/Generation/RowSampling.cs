using Alignment.Kernels;

namespace Alignment.Models.Generation;

/// <summary>
/// Chooses the next token of every row of a batch, the rows shared between the kernels' threads: each thread takes a
/// contiguous group of rows with its own <see cref="LogitsSampler"/> (their scratch buffers are per thread). The
/// uniform draws are taken first, one per row in row order (also for finished rows), and the tokens appended in row
/// order afterwards, so the results do not depend on how the rows were split.
/// </summary>
internal sealed class RowSampling
{
    // Below this many logits in a step (rows × vocabulary) one thread chooses every token: splitting costs more than it saves.
    private const long MinParallelLogits = 64 * 1024;

    private readonly LogitsSampler[] _samplers;
    private readonly double[] _uniforms;
    private readonly int[] _tokens;
    private readonly float[] _logProbabilities;

    /// <summary>Creates the samplers for <paramref name="batchSize"/> rows of <paramref name="vocabularySize"/> logits.</summary>
    public RowSampling(int batchSize, int vocabularySize, GenerationOptions options)
    {
        int groups = (long)batchSize * vocabularySize >= MinParallelLogits ? Math.Min(WorkerTeam.Shared.Threads, batchSize) : 1;
        _samplers = new LogitsSampler[groups];
        for (var g = 0; g < groups; g++)
        {
            _samplers[g] = new LogitsSampler(vocabularySize, options);
        }

        _uniforms = new double[batchSize];
        _tokens = new int[batchSize];
        _logProbabilities = new float[batchSize];
    }

    /// <summary>
    /// Picks the next token of every unfinished row from <paramref name="logits"/> [B, 1, V] (padding for finished
    /// rows) and appends the column to <paramref name="state"/>. <paramref name="random"/> null: greedy.
    /// </summary>
    public void Choose(Tensor logits, GenerationState state, RandomGenerator? random, bool suppressStops)
    {
        int batch = state.BatchSize;
        for (var r = 0; r < batch; r++)
        {
            _uniforms[r] = random?.NextDouble() ?? 0.0;
        }

        int groups = _samplers.Length;
        if (groups == 1)
        {
            ChooseRows(logits, state, suppressStops, 0, 0, batch);
        }
        else
        {
            WorkerTeam.Shared.For(groups, g => ChooseRows(logits, state, suppressStops, g,
                KernelParallel.ChunkStart(batch, groups, g), KernelParallel.ChunkStart(batch, groups, g + 1)));
        }

        for (var r = 0; r < batch; r++)
        {
            if (state.IsFinished(r))
            {
                state.AppendPadding(r);
            }
            else
            {
                state.Append(r, _tokens[r], _logProbabilities[r]);
            }
        }

        state.EndStep();
    }

    private void ChooseRows(Tensor logits, GenerationState state, bool suppressStops, int group, int start, int end)
    {
        var sampler = _samplers[group];
        int vocabulary = sampler.VocabularySize;
        var rows = logits.Span; // [B, V]
        var suppressed = suppressStops ? state.StopTokenIds : default;
        for (var r = start; r < end; r++)
        {
            if (!state.IsFinished(r))
            {
                _tokens[r] = sampler.Next(rows.Slice(r * vocabulary, vocabulary), suppressed, _uniforms[r], out _logProbabilities[r]);
            }
        }
    }
}
