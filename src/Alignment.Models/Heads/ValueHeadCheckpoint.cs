using Alignment.Models.Gpt2;

namespace Alignment.Models.Heads;

/// <summary>
/// Checkpoints of a GPT-2 backbone with a <see cref="ValueHead"/>: the backbone's Hugging Face keys plus the head under
/// TRL's names (<c>v_head.summary.weight</c>, <c>v_head.summary.bias</c>), in one model.safetensors.
/// </summary>
internal static class ValueHeadCheckpoint
{
    /// <summary>The prefix of the head's keys (the name both head models register it under).</summary>
    public const string HeadName = "v_head";

    /// <summary>The head's parameters under their checkpoint keys.</summary>
    public static IEnumerable<(string Name, Tensor Parameter)> HeadTensors(ValueHead head)
    {
        ArgumentNullException.ThrowIfNull(head);
        return head.NamedParameters().Select(p => (HeadName + "." + p.Name, p.Parameter));
    }

    /// <summary>Loads the backbone and, when the file has its keys, the head; returns whether the head was loaded.</summary>
    public static bool Load(string directory, Gpt2Model backbone, ValueHead head) =>
        Gpt2Checkpoint.LoadWeights(backbone, directory, HeadTensors(head).ToDictionary(p => p.Name, p => p.Parameter, StringComparer.Ordinal));

    /// <summary>Writes config.json and model.safetensors with the backbone and the head.</summary>
    public static void Save(string directory, Gpt2Model backbone, ValueHead head) =>
        Gpt2Checkpoint.Save(directory, backbone, HeadTensors(head));
}
