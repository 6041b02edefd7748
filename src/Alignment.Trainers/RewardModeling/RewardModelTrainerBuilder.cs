using Alignment.Models.Heads;
using Alignment.Models.Tokenization;
using Alignment.Trainers.Data;
using Alignment.Trainers.Losses;
using Alignment.Trainers.Training;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Alignment.Trainers.RewardModeling;

/// <summary>
/// Assembles a <see cref="RewardModelTrainer"/>: a model, a tokenizer, training data (and optionally evaluation data),
/// options, and optional logging, progress and callbacks. <see cref="Build"/> checks everything and reports all
/// problems in one <see cref="TrainerValidationException"/>; a builder builds one trainer only.
/// </summary>
public sealed class RewardModelTrainerBuilder
{
    private readonly RewardModelTrainerOptions _options = new();
    private readonly List<Action<RewardModelMetrics>> _stepCallbacks = [];
    private readonly List<Action<RewardModelEvaluation>> _evaluationCallbacks = [];
    private readonly List<Action<string>> _checkpointCallbacks = [];
    private RewardModel? _model;
    private ITokenizer? _tokenizer;
    private PreferencePair[]? _training;
    private PreferencePair[]? _evaluation;
    private IRewardLoss? _loss;
    private ILogger _logger = NullLogger.Instance;
    private IProgress<RewardModelProgress>? _progress;
    private bool _built;

    internal RewardModelTrainerBuilder()
    {
    }

    /// <summary>Sets the reward model to train (trained in place; frozen parameters stay as they are).</summary>
    /// <param name="model">The model.</param>
    /// <returns>This builder.</returns>
    public RewardModelTrainerBuilder WithModel(RewardModel model) => Set(() => _model = model ?? throw new ArgumentNullException(nameof(model)));

    /// <summary>Sets the tokenizer that turns prompts and responses into the model's token ids.</summary>
    /// <param name="tokenizer">The tokenizer.</param>
    /// <returns>This builder.</returns>
    public RewardModelTrainerBuilder WithTokenizer(ITokenizer tokenizer) => Set(() => _tokenizer = tokenizer ?? throw new ArgumentNullException(nameof(tokenizer)));

    /// <summary>Sets the training pairs (copied now).</summary>
    /// <param name="pairs">At least one pair.</param>
    /// <returns>This builder.</returns>
    public RewardModelTrainerBuilder WithTrainingData(IEnumerable<PreferencePair> pairs) => Set(() => _training = (pairs ?? throw new ArgumentNullException(nameof(pairs))).ToArray());

    /// <summary>Sets held-out pairs for evaluation (copied now).</summary>
    /// <param name="pairs">The pairs.</param>
    /// <returns>This builder.</returns>
    public RewardModelTrainerBuilder WithEvaluationData(IEnumerable<PreferencePair> pairs) => Set(() => _evaluation = (pairs ?? throw new ArgumentNullException(nameof(pairs))).ToArray());

    /// <summary>Changes the options; may be called several times. The options are validated by <see cref="Build"/>.</summary>
    /// <param name="configure">Sets option values.</param>
    /// <returns>This builder.</returns>
    public RewardModelTrainerBuilder Configure(Action<RewardModelTrainerOptions> configure) => Set(() => (configure ?? throw new ArgumentNullException(nameof(configure)))(_options));

    /// <summary>Uses a custom loss instead of <see cref="RewardModelTrainerOptions.Loss"/>.</summary>
    /// <param name="loss">A loss that is a mean over pairs.</param>
    /// <returns>This builder.</returns>
    public RewardModelTrainerBuilder WithLoss(IRewardLoss loss) => Set(() => _loss = loss ?? throw new ArgumentNullException(nameof(loss)));

    /// <summary>Sets the logger for metrics and events. Without one, nothing is logged.</summary>
    /// <param name="logger">The logger.</param>
    /// <returns>This builder.</returns>
    public RewardModelTrainerBuilder WithLogger(ILogger logger) => Set(() => _logger = logger ?? throw new ArgumentNullException(nameof(logger)));

    /// <summary>Receives a <see cref="RewardModelProgress"/> after every optimizer step.</summary>
    /// <param name="progress">The receiver.</param>
    /// <returns>This builder.</returns>
    public RewardModelTrainerBuilder WithProgress(IProgress<RewardModelProgress> progress) => Set(() => _progress = progress ?? throw new ArgumentNullException(nameof(progress)));

    /// <summary>Adds a callback run on the training thread after every optimizer step.</summary>
    /// <param name="callback">The callback.</param>
    /// <returns>This builder.</returns>
    public RewardModelTrainerBuilder OnStepCompleted(Action<RewardModelMetrics> callback) => Set(() => _stepCallbacks.Add(callback ?? throw new ArgumentNullException(nameof(callback))));

    /// <summary>Adds a callback run after every evaluation during training.</summary>
    /// <param name="callback">The callback.</param>
    /// <returns>This builder.</returns>
    public RewardModelTrainerBuilder OnEvaluated(Action<RewardModelEvaluation> callback) => Set(() => _evaluationCallbacks.Add(callback ?? throw new ArgumentNullException(nameof(callback))));

    /// <summary>Adds a callback run with the directory of every checkpoint written.</summary>
    /// <param name="callback">The callback.</param>
    /// <returns>This builder.</returns>
    public RewardModelTrainerBuilder OnCheckpointSaved(Action<string> callback) => Set(() => _checkpointCallbacks.Add(callback ?? throw new ArgumentNullException(nameof(callback))));

    /// <summary>Checks the configuration and creates the trainer. The builder cannot be used afterwards.</summary>
    /// <returns>The trainer.</returns>
    /// <exception cref="TrainerValidationException">Something is missing or invalid; the exception lists every problem.</exception>
    /// <exception cref="InvalidOperationException">The builder has already built a trainer.</exception>
    public RewardModelTrainer Build()
    {
        ThrowIfBuilt();
        var options = _options.Clone();
        var errors = new List<string>(options.Validate());
        if (_model is null)
        {
            errors.Add("No model: call WithModel.");
        }

        if (_tokenizer is null)
        {
            errors.Add("No tokenizer: call WithTokenizer.");
        }

        if (_training is null || _training.Length == 0)
        {
            errors.Add("No training data: call WithTrainingData with at least one pair.");
        }

        CheckModel(options, errors);
        CheckData(_training, "training", errors);
        CheckData(_evaluation, "evaluation", errors);
        if (_loss is not null && options.CenterRewardsCoefficient is not null)
        {
            errors.Add("CenterRewardsCoefficient is used only by the built-in Pairwise loss, but a custom loss was given.");
        }

        if (errors.Count > 0)
        {
            throw new TrainerValidationException(errors);
        }

        _built = true;
        var loss = _loss ?? (options.Loss == RewardLossKind.LogExp ? new LogExpLoss() : new PairwiseLoss(options.CenterRewardsCoefficient));
        var callbacks = new RewardModelTrainerCallbacks([.. _stepCallbacks], [.. _evaluationCallbacks], [.. _checkpointCallbacks], _progress);
        return new RewardModelTrainer(_model!, _tokenizer!, _training!, _evaluation, options, loss, _logger, callbacks);
    }

    private static void CheckData(PreferencePair[]? pairs, string name, List<string> errors)
    {
        if (pairs is null)
        {
            return;
        }

        const int MaxReported = 5;
        var problems = 0;
        for (var i = 0; i < pairs.Length; i++)
        {
            var problem = pairs[i] switch
            {
                null => "is null",
                { Prompt: null } => "has a null Prompt",
                { Chosen: var c } when string.IsNullOrWhiteSpace(c) => "has an empty Chosen response",
                { Rejected: var r } when string.IsNullOrWhiteSpace(r) => "has an empty Rejected response",
                { Margin: var m } when !float.IsFinite(m) => Invariant.Format($"has a Margin of {m}"),
                _ => null,
            };
            if (problem is not null && ++problems <= MaxReported)
            {
                errors.Add(Invariant.Format($"The {name} pair at index {i} {problem}."));
            }
        }

        if (problems > MaxReported)
        {
            errors.Add(Invariant.Format($"… and {problems - MaxReported} more problems in the {name} data."));
        }
    }

    private void CheckModel(RewardModelTrainerOptions options, List<string> errors)
    {
        if (_model is null)
        {
            return;
        }

        var config = _model.Backbone.Config;
        if (options.MaxLength > config.MaxPositions)
        {
            errors.Add(Invariant.Format($"MaxLength ({options.MaxLength}) exceeds the model's {config.MaxPositions} positions."));
        }

        if (_tokenizer is not null && _tokenizer.VocabularySize > config.VocabSize)
        {
            errors.Add(Invariant.Format($"The tokenizer has {_tokenizer.VocabularySize} ids but the model's embedding only {config.VocabSize}."));
        }

        if (_tokenizer is not null && options.AppendEndOfText && _tokenizer.EndOfTextId is null)
        {
            errors.Add("AppendEndOfText is set but the tokenizer has no end-of-text token.");
        }

        if (!_model.Parameters().Any(p => p.RequiresGrad))
        {
            errors.Add("Every parameter of the model is frozen; nothing would be trained.");
        }
    }

    private RewardModelTrainerBuilder Set(Action apply)
    {
        ThrowIfBuilt();
        apply();
        return this;
    }

    private void ThrowIfBuilt()
    {
        if (_built)
        {
            throw new InvalidOperationException("This builder has already built a trainer; create a new one with RewardModelTrainer.CreateBuilder().");
        }
    }
}
