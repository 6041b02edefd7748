using System.Text;
using Alignment.IO;
using Alignment.Models.Checkpoints;
using Alignment.NN;

namespace Alignment.Models.Gpt2;

/// <summary>
/// Reads and writes GPT-2 checkpoints in the Hugging Face layout (<c>config.json</c> + <c>model.safetensors</c>): a name
/// map, with every shape checked. Models with heads (value head, reward head) pass the head's tensors as extra entries, so
/// one loader and one writer serve every model built on a <see cref="Gpt2Model"/>.
/// </summary>
internal static class Gpt2Checkpoint
{
    /// <summary>The configuration file of a model folder.</summary>
    public const string ConfigFileName = "config.json";

    /// <summary>The weights file of a model folder.</summary>
    public const string WeightsFileName = "model.safetensors";

    private const string Prefix = "transformer.";

    private static readonly Dictionary<string, string> Metadata = new(StringComparer.Ordinal) { ["format"] = "pt" };

    /// <summary>Reads <c>config.json</c> of a model folder.</summary>
    public static Gpt2Config LoadConfig(string directory)
    {
        ArgumentNullException.ThrowIfNull(directory);
        return Gpt2Config.Load(Path.Combine(directory, ConfigFileName));
    }

    /// <summary>Loads the backbone from <c>model.safetensors</c> of a model folder (no head keys allowed).</summary>
    public static void LoadWeights(Gpt2Model backbone, string directory) =>
        LoadWeights(backbone, directory, new Dictionary<string, Tensor>(StringComparer.Ordinal));

    /// <summary>
    /// Copies the weights of <c>model.safetensors</c> in <paramref name="directory"/> into <paramref name="backbone"/> and,
    /// when the file holds any of them, into the <paramref name="head"/> tensors. Backbone keys may carry the
    /// <c>transformer.</c> prefix; head keys are matched exactly. The head is all or nothing: a file with none of its
    /// keys leaves it unchanged (false is returned), a file with some of them must have all. Every problem (missing,
    /// unexpected or duplicated keys, wrong shapes, integer dtypes) is reported in one exception, before anything is
    /// copied.
    /// </summary>
    /// <param name="backbone">The transformer to fill.</param>
    /// <param name="directory">The model folder.</param>
    /// <param name="head">Full key (e.g. <c>v_head.summary.weight</c>) → tensor to fill.</param>
    /// <returns>Whether the head was loaded.</returns>
    public static bool LoadWeights(Gpt2Model backbone, string directory, IReadOnlyDictionary<string, Tensor> head)
    {
        ArgumentNullException.ThrowIfNull(backbone);
        ArgumentNullException.ThrowIfNull(directory);
        ArgumentNullException.ThrowIfNull(head);
        var path = Path.Combine(directory, WeightsFileName);
        var parameters = backbone.NamedParameters().ToDictionary(p => p.Name, p => p.Parameter, StringComparer.Ordinal);
        var plan = new List<(string FileKey, Tensor Target)>();
        var loadedBackbone = new Dictionary<string, string>(StringComparer.Ordinal);
        var loadedHead = new HashSet<string>(StringComparer.Ordinal);
        var unexpected = new List<string>();
        var problems = new List<string>();
        using var file = SafetensorsFile.Open(path);
        foreach (var info in file.Tensors)
        {
            Tensor? target;
            if (head.TryGetValue(info.Name, out target))
            {
                loadedHead.Add(info.Name);
            }
            else
            {
                var key = info.Name.StartsWith(Prefix, StringComparison.Ordinal) ? info.Name[Prefix.Length..] : info.Name;
                if (IsSkipped(key))
                {
                    continue;
                }

                if (!parameters.TryGetValue(key, out target))
                {
                    unexpected.Add(info.Name);
                    continue;
                }

                if (!loadedBackbone.TryAdd(key, info.Name))
                {
                    problems.Add($"'{key}' appears twice (as '{loadedBackbone[key]}' and '{info.Name}')");
                    continue;
                }
            }

            if (CheckEntry(info, target) is { } problem)
            {
                problems.Add(problem);
                continue;
            }

            plan.Add((info.Name, target));
        }

        var missing = parameters.Keys.Where(k => !loadedBackbone.ContainsKey(k)).ToList();
        var headLoaded = loadedHead.Count > 0;
        if (headLoaded)
        {
            missing.AddRange(head.Keys.Where(k => !loadedHead.Contains(k)));
        }

        if (missing.Count > 0 || unexpected.Count > 0 || problems.Count > 0)
        {
            var parts = new List<string>();
            if (missing.Count > 0) parts.Add($"missing keys: {string.Join(", ", missing)}");
            if (unexpected.Count > 0) parts.Add($"unexpected keys: {string.Join(", ", unexpected)}");
            parts.AddRange(problems);
            throw new InvalidDataException($"{path} does not match the GPT-2 configuration: {string.Join("; ", parts)}.");
        }

        foreach (var (fileKey, target) in plan)
        {
            file.ReadSingle(fileKey, target.Span);
        }

        return headLoaded;
    }

    /// <summary>
    /// Writes config.json and model.safetensors (the backbone under Hugging Face names without the <c>transformer.</c>
    /// prefix, then the <paramref name="head"/> tensors under their full keys, all F32) into <paramref name="directory"/>
    /// as one unit (see <see cref="CheckpointFiles"/>).
    /// </summary>
    public static void Save(string directory, Gpt2Model backbone, IEnumerable<(string Name, Tensor Parameter)> head)
    {
        ArgumentNullException.ThrowIfNull(backbone);
        ArgumentNullException.ThrowIfNull(head);
        var tensors = backbone.NamedParameters().Concat(head)
            .Select(p => SafetensorsTensor.FromSingle(p.Name, p.Parameter.Shape, p.Parameter.ToArray()));
        Save(directory, backbone.Config, tensors);
    }

    /// <summary>Writes <paramref name="config"/> and <paramref name="tensors"/> as a model folder, as one unit; the tensors are enumerated once, while writing.</summary>
    public static void Save(string directory, Gpt2Config config, IEnumerable<SafetensorsTensor> tensors)
    {
        ArgumentNullException.ThrowIfNull(directory);
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(tensors);
        var json = config.ToJson();
        CheckpointFiles.Write(directory,
        [
            (WeightsFileName, stream => SafetensorsWriter.Write(stream, tensors, Metadata)),
            (ConfigFileName, stream => stream.Write(new UTF8Encoding(encoderShouldEmitUTF8Identifier: false).GetBytes(json))),
        ]);
    }

    /// <summary>Names the problem with loading <paramref name="info"/> into <paramref name="target"/>, or returns null.</summary>
    private static string? CheckEntry(SafetensorsTensorInfo info, Tensor target)
    {
        var shape = info.GetShapeArray();
        if (!shape.AsSpan().SequenceEqual(target.Shape))
        {
            return $"'{info.Name}' has shape {Shapes.Format(shape)} in the file but {Shapes.Format(target.Shape)} in the model";
        }

        return info.DType.IsFloatingPoint() ? null : $"'{info.Name}' has integer dtype {info.DType}";
    }

    private static bool IsSkipped(string key) =>
        key.EndsWith(".attn.bias", StringComparison.Ordinal)
        || key.EndsWith(".attn.masked_bias", StringComparison.Ordinal)
        || key == "lm_head.weight";
}
