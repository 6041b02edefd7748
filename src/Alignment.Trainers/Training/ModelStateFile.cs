using Alignment.IO;
using Alignment.NN;

namespace Alignment.Trainers.Training;

/// <summary>Saves and loads a module's state dict (parameters and buffers under their dotted names) as float32 safetensors.</summary>
internal static class ModelStateFile
{
    /// <summary>Writes every state-dict entry, atomically.</summary>
    public static void Save(string path, Module module)
    {
        var tensors = module.StateDict()
            .Select(entry => SafetensorsTensor.FromSingle(entry.Key, entry.Value.Shape, entry.Value.ToArray()))
            .ToList();
        SafetensorsWriter.Save(path, tensors);
    }

    /// <summary>Loads every entry into the module; names and shapes must match exactly.</summary>
    public static void Load(string path, Module module)
    {
        using var file = SafetensorsFile.Open(path);
        using var scope = TensorScope.Begin();
        var state = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        foreach (var info in file.Tensors)
        {
            var values = file.ReadSingle(info.Name);
            var shape = info.GetShapeArray();
            state[info.Name] = shape.Length == 0 ? Tensor.Scalar(values[0]) : Tensor.FromArray(values, shape);
        }

        try
        {
            module.LoadStateDict(state, strict: true);
        }
        catch (ArgumentException ex)
        {
            throw new InvalidDataException($"{path}: the saved model does not fit this model. {ex.Message}", ex);
        }
    }
}
