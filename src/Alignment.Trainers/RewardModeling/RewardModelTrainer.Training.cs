using System.Diagnostics;
using Alignment.Optim;
using Alignment.Trainers.Collation;
using Alignment.Trainers.Training;

namespace Alignment.Trainers.RewardModeling;

public sealed partial class RewardModelTrainer
{
    private AdamW? _optimizer;
    private LearningRateScheduler? _scheduler;
    private RandomGenerator _random = null!;
    private ulong[] _epochStartState = [];
    private IReadOnlyDictionary<string, ulong[]> _modelRandomStates = new Dictionary<string, ulong[]>();
    private int _epoch;
    private int _nextMicroBatch;
    private int _lastEvaluationStep = -1;
    private int _lastCheckpointStep = -1;
    private int _trainStarted;

    /// <summary>
    /// Trains for <see cref="RewardModelTrainerOptions.Epochs"/> epochs (or what remains of them after a resume). Each
    /// epoch shuffles the pairs with a seeded generator, cuts them into micro-batches of
    /// <see cref="RewardModelTrainerOptions.BatchSize"/> pairs, and takes one optimizer step per
    /// <see cref="RewardModelTrainerOptions.GradientAccumulationSteps"/> micro-batches (the last step of an epoch may
    /// have fewer). Evaluation, logging and checkpoints follow the options; with evaluation data the model is also
    /// evaluated at the end.
    /// </summary>
    /// <param name="cancellationToken">
    /// Stops training between micro-batches with <see cref="OperationCanceledException"/>; an unfinished step is
    /// dropped, and with a checkpoint directory the last completed step is saved first. The default value is none.
    /// </param>
    /// <returns>The outcome.</returns>
    /// <exception cref="TrainingDivergedException">The loss or gradient norm of a step is NaN or infinite.</exception>
    /// <exception cref="InvalidOperationException">Train was already called on this trainer.</exception>
    /// <exception cref="InvalidDataException">The checkpoint to resume from is unreadable or does not fit this run.</exception>
    public RewardModelTrainingResult Train(CancellationToken cancellationToken = default)
    {
        if (Interlocked.Exchange(ref _trainStarted, 1) != 0)
        {
            throw new InvalidOperationException("Train runs once per trainer; to continue, build a new trainer that resumes from a checkpoint.");
        }

        var stopwatch = Stopwatch.StartNew();
        var tokens = TrainingTokens();
        _optimizer = new AdamW(_trainable, new AdamWOptions { LearningRate = _options.LearningRate, WeightDecay = _options.WeightDecay });
        var warmup = LearningRateSchedules.WarmupSteps(_options.WarmupSteps, _options.WarmupRatio, TotalSteps);
        _scheduler = new LearningRateScheduler(_optimizer, LearningRateSchedules.Create(_options.Schedule, warmup, TotalSteps), _options.LearningRate);
        _random = new RandomGenerator(_options.Seed);
        int? resumedFrom = _options.ResumeFromCheckpoint is { } resume ? Resume(resume) : null;
        _modelRandomStates = _model.GetRandomStates();
        Log.RewardTrainingStarted(_logger, tokens.Length, _options.Epochs, TotalSteps, _options.BatchSize * _options.GradientAccumulationSteps, _options.LearningRate);

        RewardModelMetrics? last = null;
        RewardModelEvaluation? evaluation = null;
        _model.Train();
        try
        {
            for (; _epoch < _options.Epochs; _epoch++, _nextMicroBatch = 0)
            {
                _epochStartState = _random.GetState();
                var order = new int[tokens.Length];
                for (var i = 0; i < order.Length; i++)
                {
                    order[i] = i;
                }

                _random.Shuffle(order.AsSpan());
                while (_nextMicroBatch < MicroBatchesPerEpoch)
                {
                    cancellationToken.ThrowIfCancellationRequested();
                    var end = Math.Min(_nextMicroBatch + _options.GradientAccumulationSteps, MicroBatchesPerEpoch);
                    last = Step(tokens, order, _nextMicroBatch, end, cancellationToken);
                    _nextMicroBatch = end;
                    evaluation = AfterStep(last, stopwatch, cancellationToken) ?? evaluation;
                }
            }

            if (_evaluationPairs is { Count: > 0 } && _lastEvaluationStep != CompletedSteps)
            {
                evaluation = EvaluateDuringTraining(cancellationToken);
            }

            if (_options.CheckpointDirectory is not null && _lastCheckpointStep != CompletedSteps)
            {
                SaveCheckpoint();
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            Log.TrainingCancelled(_logger, CompletedSteps);
            if (_options.CheckpointDirectory is not null && CompletedSteps > 0 && _lastCheckpointStep != CompletedSteps)
            {
                SaveCheckpoint();
            }

            throw;
        }
        catch (TrainingDivergedException ex)
        {
            Log.TrainingDiverged(_logger, ex.Message);
            throw;
        }

        Log.TrainingFinished(_logger, CompletedSteps, stopwatch.Elapsed);
        return new RewardModelTrainingResult(CompletedSteps, last, evaluation, resumedFrom, stopwatch.Elapsed);
    }

    /// <summary>One optimizer step over micro-batches [<paramref name="from"/>, <paramref name="to"/>) of the epoch's order.</summary>
    private RewardModelMetrics Step(TokenizedPreference[] tokens, int[] order, int from, int to, CancellationToken cancellationToken)
    {
        var optimizer = _optimizer!;
        var batchSize = _options.BatchSize;
        var firstPair = from * batchSize;
        var stepPairs = Math.Min(to * batchSize, tokens.Length) - firstPair;
        var step = CompletedSteps + 1;
        var learningRate = optimizer.LearningRate;
        var statistics = new PairStatistics();
        var lossSum = 0.0;
        optimizer.ZeroGrad();
        for (var start = firstPair; start < firstPair + stepPairs; start += batchSize)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var count = Math.Min(batchSize, firstPair + stepPairs - start);
            var pairs = new TokenizedPreference[count];
            for (var i = 0; i < count; i++)
            {
                pairs[i] = tokens[order[start + i]];
            }

            using var scope = TensorScope.Begin();
            var batch = _collator.Collate(pairs);
            var rewards = _model.Forward(batch.InputIds, batch.AttentionMask);   // [2B]
            var chosen = rewards.Narrow(0, 0, count);                            // [B]
            var rejected = rewards.Narrow(0, count, count);                      // [B]
            var margins = batch.HasMargins ? Tensor.FromArray(batch.Margins) : null;
            var loss = _loss.Compute(chosen, rejected, margins);                 // []
            var value = loss.Item();
            if (!float.IsFinite(value))
            {
                throw new TrainingDivergedException(step, "loss", value);
            }

            // Weighted by the micro-batch's share of the step's pairs: the gradient is that of the step's mean loss.
            (loss * ((float)count / stepPairs)).Backward();
            lossSum += (double)value * count;
            statistics.Add(chosen, rejected);
        }

        var gradNorm = GradientClipping.ClipGradNorm(_trainable.Select(p => p.Parameter), _options.MaxGradNorm ?? double.MaxValue);
        if (!double.IsFinite(gradNorm))
        {
            throw new TrainingDivergedException(step, "gradient norm", gradNorm);
        }

        optimizer.Step();
        _scheduler!.Step();
        CompletedSteps = step;
        // The dropout generators as they stand between steps: a checkpoint of this step resumes from here, even when
        // training is cancelled in the middle of the next step's micro-batches.
        _modelRandomStates = _model.GetRandomStates();
        var epoch = _epoch + ((double)to / MicroBatchesPerEpoch);
        return new RewardModelMetrics(step, epoch, lossSum / stepPairs, statistics.Accuracy, statistics.MeanMargin, learningRate, gradNorm);
    }

    /// <summary>Callbacks, progress, logging, periodic evaluation and checkpoints after a step; returns an evaluation if one ran.</summary>
    private RewardModelEvaluation? AfterStep(RewardModelMetrics metrics, Stopwatch stopwatch, CancellationToken cancellationToken)
    {
        var step = metrics.Step;
        if (step % _options.LoggingSteps == 0 || step == TotalSteps)
        {
            Log.RewardStepCompleted(_logger, step, TotalSteps, metrics.Epoch, metrics.Loss, metrics.Accuracy, metrics.MeanMargin, metrics.LearningRate, metrics.GradNorm);
        }

        _callbacks.StepCompleted(metrics);
        _callbacks.Report(new RewardModelProgress(step, TotalSteps, metrics.Epoch, metrics.Loss, stopwatch.Elapsed));
        RewardModelEvaluation? evaluation = null;
        if (_options.EvaluationSteps is { } every && step % every == 0 && _evaluationPairs is { Count: > 0 })
        {
            evaluation = EvaluateDuringTraining(cancellationToken);
        }

        if (_options.CheckpointSteps is { } interval && step % interval == 0)
        {
            SaveCheckpoint();
        }

        return evaluation;
    }

    private RewardModelEvaluation EvaluateDuringTraining(CancellationToken cancellationToken)
    {
        var evaluation = Evaluate(cancellationToken);
        _lastEvaluationStep = CompletedSteps;
        _callbacks.Evaluated(evaluation);
        return evaluation;
    }
}
