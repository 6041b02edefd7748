using System.Text.Json;
using System.Text.Json.Serialization;

namespace Alignment.Trainers.RewardModeling;

/// <summary>
/// The trainer's part of a checkpoint (trainer_state.json): where training stands and the random state needed to
/// continue the data order exactly, plus the settings that must not change across a resume.
/// </summary>
internal sealed record RewardModelCheckpointState
{
    public const string FileName = "trainer_state.json";

    private static readonly JsonSerializerOptions JsonOptions = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        WriteIndented = true,
        NumberHandling = JsonNumberHandling.AllowReadingFromString,
    };

    /// <summary>Optimizer steps completed.</summary>
    public int GlobalStep { get; init; }

    /// <summary>The epoch (from 0) of the next step.</summary>
    public int Epoch { get; init; }

    /// <summary>The micro-batch within that epoch where the next step starts.</summary>
    public int MicroBatch { get; init; }

    /// <summary>The shuffling generator's state at the start of that epoch (it draws the epoch's order).</summary>
    public ulong[] EpochRandomState { get; init; } = [];

    /// <summary>
    /// The states of the model's random generators (dropout) after the last completed step, by dotted name
    /// (<see cref="NN.Module.GetRandomStates"/>); null in checkpoints written before they were saved.
    /// </summary>
    public IReadOnlyDictionary<string, ulong[]>? ModelRandomStates { get; init; }

    public int TotalSteps { get; init; }

    public int TrainingPairCount { get; init; }

    public int Epochs { get; init; }

    public int BatchSize { get; init; }

    public int GradientAccumulationSteps { get; init; }

    public ulong Seed { get; init; }

    public void Save(string path) => File.WriteAllText(path, JsonSerializer.Serialize(this, JsonOptions));

    public static RewardModelCheckpointState Load(string path)
    {
        try
        {
            return JsonSerializer.Deserialize<RewardModelCheckpointState>(File.ReadAllText(path), JsonOptions)
                ?? throw new InvalidDataException($"{path}: the file is empty.");
        }
        catch (JsonException ex)
        {
            throw new InvalidDataException($"{path}: not a trainer state file ({ex.Message}).", ex);
        }
    }

    /// <summary>The settings that differ between this checkpoint and the run resuming from it.</summary>
    public List<string> Mismatches(RewardModelCheckpointState current)
    {
        var mismatches = new List<string>();
        Compare(mismatches, "training pairs", TrainingPairCount, current.TrainingPairCount);
        Compare(mismatches, "Epochs", Epochs, current.Epochs);
        Compare(mismatches, "BatchSize", BatchSize, current.BatchSize);
        Compare(mismatches, "GradientAccumulationSteps", GradientAccumulationSteps, current.GradientAccumulationSteps);
        if (Seed != current.Seed)
        {
            mismatches.Add(Invariant.Format($"Seed was {Seed}, now {current.Seed}"));
        }

        if (EpochRandomState.Length != 5 || GlobalStep < 0 || GlobalStep > TotalSteps || Epoch < 0 || MicroBatch < 0)
        {
            mismatches.Add("the saved position is invalid");
        }

        return mismatches;
    }

    private static void Compare(List<string> mismatches, string name, int saved, int now)
    {
        if (saved != now)
        {
            mismatches.Add(Invariant.Format($"{name} was {saved}, now {now}"));
        }
    }
}
