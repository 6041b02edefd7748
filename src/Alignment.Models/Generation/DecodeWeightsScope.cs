using Alignment.Models.Gpt2;
using Alignment.NN;

namespace Alignment.Models.Generation;

/// <summary>
/// Attaches a decode copy of the weight (<see cref="Conv1D.AttachDecodeWeight"/>) to every <see cref="Conv1D"/> of a
/// model for the duration of a generation call (see <see cref="GenerationOptions.TransposeWeights"/>), and detaches
/// them all when disposed. On a machine without AVX2 and FMA it attaches none (<see cref="DecodeWeight.IsSupported"/>).
/// </summary>
internal sealed class DecodeWeightsScope : IDisposable
{
    private readonly List<Conv1D> _layers;

    public DecodeWeightsScope(Module root)
    {
        _layers = DecodeWeight.IsSupported ? [.. root.NamedModules().Select(m => m.Module).OfType<Conv1D>()] : [];
        try
        {
            foreach (var layer in _layers)
            {
                layer.AttachDecodeWeight();
            }
        }
        catch
        {
            Dispose();
            throw;
        }
    }

    public void Dispose()
    {
        foreach (var layer in _layers)
        {
            layer.DetachDecodeWeight();
        }
    }
}
