using Alignment.Trainers.Collation;
using Alignment.Trainers.Data;

namespace Alignment.Trainers.RewardModeling;

public sealed partial class RewardModelTrainer
{
    /// <summary>Evaluates the model on the evaluation data given to the builder (in evaluation mode, without gradients).</summary>
    /// <param name="cancellationToken">Stops between batches. The default value is none.</param>
    /// <returns>Loss, accuracy (share of pairs with r_c &gt; r_r) and mean margin.</returns>
    /// <exception cref="InvalidOperationException">The builder was given no evaluation data.</exception>
    public RewardModelEvaluation Evaluate(CancellationToken cancellationToken = default)
    {
        if (_evaluationPairs is not { Count: > 0 })
        {
            throw new InvalidOperationException("There is no evaluation data; give some with WithEvaluationData, or call Evaluate(pairs).");
        }

        var evaluation = Evaluate(_evaluationTokens ??= Tokenize(_evaluationPairs, "evaluation"), cancellationToken);
        Log.RewardEvaluated(_logger, evaluation.Step, evaluation.PairCount, evaluation.Loss, evaluation.Accuracy, evaluation.MeanMargin);
        return evaluation;
    }

    /// <summary>Evaluates the model on other pairs (in evaluation mode, without gradients).</summary>
    /// <param name="pairs">At least one pair.</param>
    /// <param name="cancellationToken">Stops between batches. The default value is none.</param>
    /// <returns>Loss, accuracy and mean margin.</returns>
    public RewardModelEvaluation Evaluate(IEnumerable<PreferencePair> pairs, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(pairs);
        var tokens = pairs.Select(_collator.Tokenize).ToArray();
        if (tokens.Length == 0)
        {
            throw new ArgumentException("Evaluation needs at least one pair.", nameof(pairs));
        }

        return Evaluate(tokens, cancellationToken);
    }

    private RewardModelEvaluation Evaluate(TokenizedPreference[] tokens, CancellationToken cancellationToken)
    {
        var batchSize = _options.EvaluationBatchSize ?? _options.BatchSize;
        var statistics = new PairStatistics();
        var lossSum = 0.0;
        using var mode = new EvaluationMode(_model);
        using var noGrad = Tensor.NoGrad();
        for (var start = 0; start < tokens.Length; start += batchSize)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var count = Math.Min(batchSize, tokens.Length - start);
            using var scope = TensorScope.Begin();
            var batch = _collator.Collate(new ArraySegment<TokenizedPreference>(tokens, start, count));
            var rewards = _model.Forward(batch.InputIds, batch.AttentionMask);   // [2B]
            var chosen = rewards.Narrow(0, 0, count);                            // [B]
            var rejected = rewards.Narrow(0, count, count);                      // [B]
            var margins = batch.HasMargins ? Tensor.FromArray(batch.Margins) : null;
            lossSum += (double)_loss.Compute(chosen, rejected, margins).Item() * count;
            statistics.Add(chosen, rejected);
        }

        return new RewardModelEvaluation(CompletedSteps, statistics.Count, lossSum / statistics.Count, statistics.Accuracy, statistics.MeanMargin, statistics.MeanChosen, statistics.MeanRejected);
    }
}
