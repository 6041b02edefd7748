using System.Numerics.Tensors;
using Alignment.Kernels;

namespace Alignment.Models.Generation;

/// <summary>
/// Chooses the next token from one row of logits [V]: greedy (the first maximum), or sampling after the logits
/// processing temperature → top-k → top-p, with one uniform draw supplied by the caller. Also returns the token's
/// log-probability, log_softmax(logits / temperature) over the whole vocabulary. Holds scratch buffers of V elements,
/// so one instance serves one thread.
/// </summary>
internal sealed class LogitsSampler
{
    private readonly float[] _scaled;   // [V] logits / temperature (suppressed tokens −∞)
    private readonly float[] _weights;  // [V] exp(scaled − max): unnormalised probabilities, the largest is 1
    private readonly TokenCandidates _candidates;
    private readonly bool _doSample;
    private readonly float _temperature;
    private readonly int _topK;
    private readonly float _topP;

    /// <summary>Creates a sampler with explicit settings (validated as in <see cref="GenerationOptions.Validate"/>).</summary>
    public LogitsSampler(int vocabularySize, bool doSample, float temperature = 1f, int topK = 0, float topP = 1f)
        : this(vocabularySize, new GenerationOptions { DoSample = doSample, Temperature = temperature, TopK = topK, TopP = topP })
    {
    }

    /// <summary>Creates a sampler with the logits processing of <paramref name="options"/>.</summary>
    public LogitsSampler(int vocabularySize, GenerationOptions options)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(vocabularySize);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        _doSample = options.DoSample;
        _temperature = options.Temperature;
        _topK = options.TopK > 0 && options.TopK < vocabularySize ? options.TopK : 0;
        _topP = options.TopP;
        _scaled = new float[vocabularySize];
        _weights = new float[vocabularySize];
        _candidates = new TokenCandidates(vocabularySize);
    }

    /// <summary>V: the length of a row of logits.</summary>
    public int VocabularySize => _scaled.Length;

    /// <summary>
    /// Picks a token from <paramref name="logits"/> [V]. <paramref name="suppressedIds"/> are excluded from the choice
    /// (their logits count as −∞), but not from the log-probability, which is log_softmax(logits / T) at the chosen token
    /// over the whole vocabulary. <paramref name="uniform"/> in [0, 1) drives the draw (unused when greedy).
    /// </summary>
    public int Next(ReadOnlySpan<float> logits, ReadOnlySpan<int> suppressedIds, double uniform, out float logProbability)
    {
        if (logits.Length != VocabularySize)
        {
            throw new ArgumentException($"Expected {VocabularySize} logits, got {logits.Length}.", nameof(logits));
        }

        var scaled = logits;
        if (_temperature != 1f)
        {
            TensorPrimitives.Divide(logits, _temperature, _scaled);
            scaled = _scaled;
        }

        var max = TensorPrimitives.Max(scaled);
        var total = _doSample ? ExpRowOps.ExpStore(scaled, max, _weights) : ExpRowOps.SumExp(scaled, max);
        var logNormalizer = (float)(max + Math.Log(total));
        if (!float.IsFinite(logNormalizer))
        {
            throw new InvalidOperationException("The logits contain NaN or +∞, or every logit is −∞.");
        }

        var token = _doSample ? Sample(scaled, suppressedIds, total, uniform) : Greedy(logits, suppressedIds);
        logProbability = (logits[token] / _temperature) - logNormalizer;
        return token;
    }

    private static int Greedy(ReadOnlySpan<float> logits, ReadOnlySpan<int> suppressedIds)
    {
        var best = TensorPrimitives.IndexOfMax(logits);
        if (!suppressedIds.Contains(best))
        {
            return best;
        }

        best = -1;
        var bestValue = float.NegativeInfinity;
        for (var i = 0; i < logits.Length; i++)
        {
            if ((best < 0 || logits[i] > bestValue) && !suppressedIds.Contains(i))
            {
                (best, bestValue) = (i, logits[i]);
            }
        }

        return best >= 0 ? best : throw new InvalidOperationException("Every token is suppressed: there is nothing to choose from.");
    }

    private int Sample(ReadOnlySpan<float> scaled, ReadOnlySpan<int> suppressedIds, double total, double uniform)
    {
        if (!suppressedIds.IsEmpty)
        {
            total = Suppress(scaled, suppressedIds);
        }

        if (_topK == 0 && _topP >= 1f)
        {
            return WeightedDraw.FromWeights(_weights, total, uniform);
        }

        Span<ulong> kept;
        double mass;
        if (_topK > 0)
        {
            kept = _candidates.TopK(_weights, _topK, sorted: _topP < 1f);
            mass = TokenCandidates.Mass(kept);
            if (_topP < 1f)
            {
                kept = TokenCandidates.Prefix(kept, _topP * mass, out mass);
            }
        }
        else
        {
            kept = _candidates.Nucleus(_weights, _topP * total, out mass);
        }

        return WeightedDraw.FromKeys(kept, mass, uniform);
    }

    // Hides the suppressed tokens and recomputes the weights (the maximum may have been suppressed); returns their sum.
    private double Suppress(ReadOnlySpan<float> scaled, ReadOnlySpan<int> suppressedIds)
    {
        if (_temperature == 1f)
        {
            scaled.CopyTo(_scaled);
        }

        foreach (var id in suppressedIds)
        {
            if ((uint)id < (uint)_scaled.Length)
            {
                _scaled[id] = float.NegativeInfinity;
            }
        }

        var max = TensorPrimitives.Max(_scaled);
        if (float.IsNegativeInfinity(max))
        {
            throw new InvalidOperationException("Every token is suppressed: there is nothing to sample from.");
        }

        return ExpRowOps.ExpStore(_scaled, max, _weights);
    }
}
