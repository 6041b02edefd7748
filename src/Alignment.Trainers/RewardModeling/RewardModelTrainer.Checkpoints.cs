using System.Globalization;
using Alignment.Trainers.Training;

namespace Alignment.Trainers.RewardModeling;

public sealed partial class RewardModelTrainer
{
    private const string CheckpointPrefix = "checkpoint-";
    private const string ModelFile = "model.safetensors";
    private const string OptimizerFile = "optimizer.safetensors";

    /// <summary>
    /// The newest "checkpoint-{step}" directory under <paramref name="directory"/> (the highest step that holds a
    /// trainer state), or null when there is none.
    /// </summary>
    /// <param name="directory">A checkpoint directory.</param>
    /// <returns>The path, or null.</returns>
    public static string? FindLatestCheckpoint(string directory)
    {
        ArgumentException.ThrowIfNullOrEmpty(directory);
        if (!Directory.Exists(directory))
        {
            return null;
        }

        return Directory.EnumerateDirectories(directory, CheckpointPrefix + "*")
            .Select(path => (Path: path, Step: int.TryParse(Path.GetFileName(path).AsSpan(CheckpointPrefix.Length), NumberStyles.None, CultureInfo.InvariantCulture, out var step) ? step : -1))
            .Where(c => c.Step >= 0 && File.Exists(Path.Combine(c.Path, RewardModelCheckpointState.FileName)))
            .OrderByDescending(c => c.Step)
            .Select(c => c.Path)
            .FirstOrDefault();
    }

    /// <summary>
    /// Writes model, optimizer and trainer state (with the random states of the shuffle and of the model's dropout) into
    /// "checkpoint-{step}" atomically (a temporary directory, then a rename).
    /// </summary>
    private void SaveCheckpoint()
    {
        var root = _options.CheckpointDirectory!;
        Directory.CreateDirectory(root);
        var target = Path.Combine(root, Invariant.Format($"{CheckpointPrefix}{CompletedSteps}"));
        var temporary = Path.Combine(root, Invariant.Format($".{CheckpointPrefix}{CompletedSteps}.{Guid.NewGuid():N}.tmp"));
        Directory.CreateDirectory(temporary);
        try
        {
            ModelStateFile.Save(Path.Combine(temporary, ModelFile), _model);
            OptimizerStateFile.Save(Path.Combine(temporary, OptimizerFile), _optimizer!.StateDict());
            CurrentState().Save(Path.Combine(temporary, RewardModelCheckpointState.FileName));
            if (Directory.Exists(target))
            {
                Directory.Delete(target, recursive: true);
            }

            Directory.Move(temporary, target);
        }
        catch
        {
            try
            {
                Directory.Delete(temporary, recursive: true);
            }
            catch (IOException)
            {
            }

            throw;
        }

        _lastCheckpointStep = CompletedSteps;
        Log.CheckpointSaved(_logger, target, CompletedSteps);
        _callbacks.CheckpointSaved(target);
    }

    /// <summary>The position of the next step: after an epoch's last micro-batch, the start of the next epoch.</summary>
    private RewardModelCheckpointState CurrentState()
    {
        var epochDone = _nextMicroBatch >= MicroBatchesPerEpoch;
        return new RewardModelCheckpointState
        {
            GlobalStep = CompletedSteps,
            Epoch = epochDone ? _epoch + 1 : _epoch,
            MicroBatch = epochDone ? 0 : _nextMicroBatch,
            EpochRandomState = epochDone ? _random.GetState() : _epochStartState,
            ModelRandomStates = _modelRandomStates,
            TotalSteps = TotalSteps,
            TrainingPairCount = _trainingPairs.Count,
            Epochs = _options.Epochs,
            BatchSize = _options.BatchSize,
            GradientAccumulationSteps = _options.GradientAccumulationSteps,
            Seed = _options.Seed,
        };
    }

    /// <summary>Restores model, optimizer, schedule, data position and random states from a checkpoint; returns its step.</summary>
    private int Resume(string path)
    {
        var checkpoint = File.Exists(Path.Combine(path, RewardModelCheckpointState.FileName))
            ? path
            : FindLatestCheckpoint(path) ?? throw new InvalidDataException($"'{path}' holds no checkpoint (no {RewardModelCheckpointState.FileName}, no {CheckpointPrefix}N directory).");
        var saved = RewardModelCheckpointState.Load(Path.Combine(checkpoint, RewardModelCheckpointState.FileName));
        var expected = new RewardModelCheckpointState
        {
            TrainingPairCount = _trainingPairs.Count,
            Epochs = _options.Epochs,
            BatchSize = _options.BatchSize,
            GradientAccumulationSteps = _options.GradientAccumulationSteps,
            Seed = _options.Seed,
        };
        var mismatches = saved.Mismatches(expected);
        if (mismatches.Count > 0)
        {
            throw new InvalidDataException($"The checkpoint {checkpoint} does not fit this run: {string.Join("; ", mismatches)}.");
        }

        ModelStateFile.Load(Path.Combine(checkpoint, ModelFile), _model);
        try
        {
            _optimizer!.LoadStateDict(OptimizerStateFile.Load(Path.Combine(checkpoint, OptimizerFile)));
        }
        catch (ArgumentException ex)
        {
            throw new InvalidDataException($"{checkpoint}: the optimizer state does not fit this model. {ex.Message}", ex);
        }

        if (saved.ModelRandomStates is { } randomStates)
        {
            try
            {
                _model.SetRandomStates(randomStates);
            }
            catch (ArgumentException ex)
            {
                throw new InvalidDataException($"{checkpoint}: the saved random states do not fit this model. {ex.Message}", ex);
            }
        }
        else
        {
            Log.NoModelRandomStates(_logger, checkpoint);
        }

        _scheduler!.CurrentStep = saved.GlobalStep;
        _random.SetState(saved.EpochRandomState);
        _epoch = saved.Epoch;
        _nextMicroBatch = saved.MicroBatch;
        CompletedSteps = saved.GlobalStep;
        _lastCheckpointStep = saved.GlobalStep;
        _lastEvaluationStep = -1;
        Log.Resumed(_logger, checkpoint, saved.GlobalStep, TotalSteps);
        return saved.GlobalStep;
    }
}
