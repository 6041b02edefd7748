using System.Globalization;
using System.Text.Json;
using Alignment.IO;
using Alignment.Optim;

namespace Alignment.Trainers.Training;

/// <summary>
/// Saves and loads an <see cref="OptimizerState"/> as safetensors: each state buffer is a float32 tensor under its key
/// ("h.0.attn.c_attn.weight.exp_avg"); the optimizer name, step, scalars and per-parameter steps are metadata
/// (scalars written with round-trip precision, so resuming is exact).
/// </summary>
internal static class OptimizerStateFile
{
    private const string OptimizerKey = "optimizer";
    private const string StepKey = "step";
    private const string ScalarsKey = "scalars";
    private const string ParameterStepsKey = "parameter_steps";

    public static void Save(string path, OptimizerState state)
    {
        var tensors = state.Buffers.Select(b => SafetensorsTensor.FromSingle(b.Key, [b.Value.Length], b.Value)).ToList();
        var metadata = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            [OptimizerKey] = state.Optimizer,
            [StepKey] = state.Step.ToString(CultureInfo.InvariantCulture),
            [ScalarsKey] = JsonSerializer.Serialize(state.Scalars.ToDictionary(s => s.Key, s => s.Value.ToString("R", CultureInfo.InvariantCulture))),
            [ParameterStepsKey] = JsonSerializer.Serialize(state.ParameterSteps),
        };
        SafetensorsWriter.Save(path, tensors, metadata);
    }

    public static OptimizerState Load(string path)
    {
        using var file = SafetensorsFile.Open(path);
        try
        {
            var meta = file.Metadata;
            var state = new OptimizerState
            {
                Optimizer = meta[OptimizerKey],
                Step = long.Parse(meta[StepKey], CultureInfo.InvariantCulture),
            };
            foreach (var (key, value) in JsonSerializer.Deserialize<Dictionary<string, string>>(meta[ScalarsKey]) ?? [])
            {
                state.Scalars[key] = double.Parse(value, CultureInfo.InvariantCulture);
            }

            foreach (var (key, value) in JsonSerializer.Deserialize<Dictionary<string, long>>(meta[ParameterStepsKey]) ?? [])
            {
                state.ParameterSteps[key] = value;
            }

            foreach (var info in file.Tensors)
            {
                state.Buffers[info.Name] = file.ReadSingle(info.Name);
            }

            return state;
        }
        catch (Exception ex) when (ex is KeyNotFoundException or JsonException or FormatException or OverflowException)
        {
            throw new InvalidDataException($"{path}: not an optimizer state file ({ex.Message}).", ex);
        }
    }
}
