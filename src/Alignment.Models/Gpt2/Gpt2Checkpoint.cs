using Alignment.IO;
using Alignment.NN;

namespace Alignment.Models.Gpt2;

/// <summary>Reads and writes GPT-2 weights as Hugging Face safetensors: a name map, with every shape checked.</summary>
internal static class Gpt2Checkpoint
{
    private const string Prefix = "transformer.";

    /// <summary>Copies every weight of <paramref name="path"/> into <paramref name="model"/>; reports all problems at once.</summary>
    public static void LoadWeights(Gpt2Model model, string path)
    {
        var parameters = model.NamedParameters().ToDictionary(p => p.Name, p => p.Parameter, StringComparer.Ordinal);
        var loaded = new HashSet<string>(StringComparer.Ordinal);
        var unexpected = new List<string>();
        var problems = new List<string>();
        using var file = SafetensorsFile.Open(path);
        foreach (var info in file.Tensors)
        {
            var key = info.Name.StartsWith(Prefix, StringComparison.Ordinal) ? info.Name[Prefix.Length..] : info.Name;
            if (IsSkipped(key))
            {
                continue;
            }

            if (!parameters.TryGetValue(key, out var target))
            {
                unexpected.Add(info.Name);
                continue;
            }

            var shape = info.GetShapeArray();
            if (!shape.AsSpan().SequenceEqual(target.Shape))
            {
                problems.Add($"'{info.Name}' has shape {Shapes.Format(shape)} in the file but {Shapes.Format(target.Shape)} in the model");
                continue;
            }

            if (!info.DType.IsFloatingPoint())
            {
                problems.Add($"'{info.Name}' has integer dtype {info.DType}");
                continue;
            }

            target.CopyFrom(file.ReadSingle(info.Name));
            loaded.Add(key);
        }

        var missing = parameters.Keys.Where(k => !loaded.Contains(k)).ToList();
        if (missing.Count > 0 || unexpected.Count > 0 || problems.Count > 0)
        {
            var parts = new List<string>();
            if (missing.Count > 0) parts.Add($"missing keys: {string.Join(", ", missing)}");
            if (unexpected.Count > 0) parts.Add($"unexpected keys: {string.Join(", ", unexpected)}");
            parts.AddRange(problems);
            throw new InvalidDataException($"{path} does not match the GPT-2 configuration: {string.Join("; ", parts)}.");
        }
    }

    /// <summary>Writes config.json and model.safetensors atomically (temp file, then rename, each).</summary>
    public static void Save(Gpt2Model model, string directory)
    {
        ArgumentNullException.ThrowIfNull(directory);
        Directory.CreateDirectory(directory);
        var tensors = model.NamedParameters()
            .Select(p => SafetensorsTensor.FromSingle(p.Name, p.Parameter.Shape, p.Parameter.ToArray()))
            .ToList();
        var configPath = Path.Combine(directory, "config.json");
        var temp = Path.Combine(directory, $".config.json.{Guid.NewGuid():N}.tmp");
        try
        {
            File.WriteAllText(temp, model.Config.ToJson());
            SafetensorsWriter.Save(Path.Combine(directory, "model.safetensors"), tensors, new Dictionary<string, string> { ["format"] = "pt" });
            File.Move(temp, configPath, overwrite: true);
        }
        finally
        {
            if (File.Exists(temp))
            {
                File.Delete(temp);
            }
        }
    }

    private static bool IsSkipped(string key) =>
        key.EndsWith(".attn.bias", StringComparison.Ordinal)
        || key.EndsWith(".attn.masked_bias", StringComparison.Ordinal)
        || key == "lm_head.weight";
}
