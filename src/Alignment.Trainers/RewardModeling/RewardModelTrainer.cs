using Alignment.Models.Heads;
using Alignment.Models.Tokenization;
using Alignment.Optim;
using Alignment.Trainers.Collation;
using Alignment.Trainers.Data;
using Alignment.Trainers.Losses;
using Microsoft.Extensions.Logging;

namespace Alignment.Trainers.RewardModeling;

/// <summary>
/// Trains a <see cref="RewardModel"/> on preference pairs (TRL's RewardTrainer): each step scores the chosen and rejected
/// sequences of a batch in one forward pass, takes the pairwise loss, and updates the model with AdamW under a
/// learning-rate schedule and gradient-norm clipping. It evaluates on held-out pairs (loss, accuracy, mean margin),
/// logs, reports progress, writes checkpoints that resume exactly, and stops with a
/// <see cref="Training.TrainingDivergedException"/> naming the step when the loss or gradients stop being finite.
/// Create one with <see cref="CreateBuilder"/>. A trainer is not thread-safe, and <see cref="Train"/> runs once.
/// </summary>
/// <remarks>
/// A resumed run gives the same weights as an uninterrupted one, with or without dropout: a checkpoint holds the model,
/// the optimizer, the schedule position, the trainer's shuffling state and the states of the model's random generators
/// (<see cref="NN.Module.GetRandomStates"/>, which draw the dropout masks), all as they stood after the checkpoint's step.
/// </remarks>
public sealed partial class RewardModelTrainer
{
    private readonly RewardModel _model;
    private readonly IReadOnlyList<PreferencePair> _trainingPairs;
    private readonly IReadOnlyList<PreferencePair>? _evaluationPairs;
    private readonly RewardModelTrainerOptions _options;
    private readonly IRewardLoss _loss;
    private readonly ILogger _logger;
    private readonly RewardModelTrainerCallbacks _callbacks;
    private readonly PreferenceCollator _collator;
    private readonly (string Name, Tensor Parameter)[] _trainable;
    private TokenizedPreference[]? _trainingTokens;
    private TokenizedPreference[]? _evaluationTokens;

    internal RewardModelTrainer(
        RewardModel model,
        ITokenizer tokenizer,
        IReadOnlyList<PreferencePair> trainingPairs,
        IReadOnlyList<PreferencePair>? evaluationPairs,
        RewardModelTrainerOptions options,
        IRewardLoss loss,
        ILogger logger,
        RewardModelTrainerCallbacks callbacks)
    {
        _model = model;
        _trainingPairs = trainingPairs;
        _evaluationPairs = evaluationPairs;
        _options = options;
        _loss = loss;
        _logger = logger;
        _callbacks = callbacks;
        _collator = new PreferenceCollator(tokenizer, options.MaxLength, options.AppendEndOfText);
        _trainable = model.NamedParameters().Where(p => p.Parameter.RequiresGrad).ToArray();
        MicroBatchesPerEpoch = (trainingPairs.Count + options.BatchSize - 1) / options.BatchSize;
        StepsPerEpoch = (MicroBatchesPerEpoch + options.GradientAccumulationSteps - 1) / options.GradientAccumulationSteps;
        TotalSteps = checked(StepsPerEpoch * options.Epochs);
    }

    /// <summary>The model being trained.</summary>
    public RewardModel Model => _model;

    /// <summary>The collator that tokenises and pads pairs for this trainer.</summary>
    public PreferenceCollator Collator => _collator;

    /// <summary>The optimizer steps per epoch: ceil(ceil(pairs / BatchSize) / GradientAccumulationSteps).</summary>
    public int StepsPerEpoch { get; }

    /// <summary>The optimizer steps of the whole run.</summary>
    public int TotalSteps { get; }

    /// <summary>The optimizer steps completed so far (including those before a resume).</summary>
    public int CompletedSteps { get; private set; }

    /// <summary>The micro-batches per epoch.</summary>
    internal int MicroBatchesPerEpoch { get; }

    /// <summary>Starts building a trainer.</summary>
    /// <returns>A new builder.</returns>
    public static RewardModelTrainerBuilder CreateBuilder() => new();

    /// <summary>Runs <see cref="Train"/> on a thread-pool thread.</summary>
    /// <param name="cancellationToken">Stops training between micro-batches. The default value is none.</param>
    /// <returns>The outcome.</returns>
    public Task<RewardModelTrainingResult> TrainAsync(CancellationToken cancellationToken = default) =>
        Task.Run(() => Train(cancellationToken), cancellationToken);

    /// <summary>
    /// Scores prompt/response pairs with the model in evaluation mode, tokenised and truncated as in training.
    /// </summary>
    /// <param name="samples">The prompts and responses.</param>
    /// <param name="cancellationToken">Stops between batches. The default value is none.</param>
    /// <returns>One reward per sample, in order.</returns>
    public IReadOnlyList<float> Score(IEnumerable<(string Prompt, string Response)> samples, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(samples);
        var sequences = samples.Select(s => _collator.Encode(s.Prompt, s.Response)).ToArray();
        var rewards = new List<float>(sequences.Length);
        var batchSize = _options.EvaluationBatchSize ?? _options.BatchSize;
        using var mode = new EvaluationMode(_model);
        using var noGrad = Tensor.NoGrad();
        for (var start = 0; start < sequences.Length; start += batchSize)
        {
            cancellationToken.ThrowIfCancellationRequested();
            using var scope = TensorScope.Begin();
            var (ids, mask) = PreferenceCollator.Pad(sequences.AsSpan(start, Math.Min(batchSize, sequences.Length - start)), _collator.PaddingId);
            rewards.AddRange(_model.Forward(ids, mask).ToArray());
        }

        return rewards;
    }

    private TokenizedPreference[] TrainingTokens() => _trainingTokens ??= Tokenize(_trainingPairs, "training");

    private TokenizedPreference[] Tokenize(IReadOnlyList<PreferencePair> pairs, string dataSet)
    {
        var tokens = pairs.Select(_collator.Tokenize).ToArray();
        var truncated = tokens.Count(t => t.Truncated);
        if (truncated > 0)
        {
            Log.PairsTruncated(_logger, truncated, tokens.Length, dataSet, _collator.MaxLength);
        }

        var indistinguishable = tokens.Count(t => t.IsIndistinguishable);
        if (indistinguishable > 0)
        {
            Log.IndistinguishablePairs(_logger, indistinguishable, tokens.Length, dataSet, _collator.MaxLength);
        }

        return tokens;
    }
}
