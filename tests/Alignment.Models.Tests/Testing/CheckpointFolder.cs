using Alignment.IO;
using Alignment.Models.Gpt2;

namespace Alignment.Models.Tests.Testing;

/// <summary>Writes hand-made Hugging Face model folders for loader tests.</summary>
internal static class CheckpointFolder
{
    /// <summary>The backbone's parameters as safetensors entries: <paramref name="prefix"/> + Hugging Face name, stored as <paramref name="dtype"/>.</summary>
    public static List<SafetensorsTensor> Tensors(Gpt2Model backbone, string prefix = "", SafetensorsDType dtype = SafetensorsDType.F32) =>
        [.. backbone.NamedParameters().Select(p => SafetensorsTensor.FromSingle(prefix + p.Name, p.Parameter.Shape, p.Parameter.ToArray(), dtype))];

    /// <summary>Writes config.json and model.safetensors with exactly these tensors.</summary>
    public static void Write(string directory, Gpt2Config config, IEnumerable<SafetensorsTensor> tensors)
    {
        File.WriteAllText(Path.Combine(directory, "config.json"), config.ToJson());
        SafetensorsWriter.Save(Path.Combine(directory, "model.safetensors"), tensors);
    }

    /// <summary>A tensor of the given shape filled with <paramref name="value"/>.</summary>
    public static SafetensorsTensor Filled(string name, float value, params int[] shape)
    {
        var data = new float[shape.Aggregate(1, (a, b) => a * b)];
        Array.Fill(data, value);
        return SafetensorsTensor.FromSingle(name, shape, data);
    }
}
