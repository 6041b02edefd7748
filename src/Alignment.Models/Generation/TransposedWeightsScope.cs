using Alignment.Models.Gpt2;
using Alignment.NN;

namespace Alignment.Models.Generation;

/// <summary>
/// Attaches a transposed copy of the weight to every <see cref="Conv1D"/> of a model for the duration of a generation
/// call (see <see cref="GenerationOptions.TransposeWeights"/>), and detaches them all when disposed.
/// </summary>
internal sealed class TransposedWeightsScope : IDisposable
{
    private readonly List<Conv1D> _layers;

    public TransposedWeightsScope(Module root)
    {
        _layers = [.. root.NamedModules().Select(m => m.Module).OfType<Conv1D>()];
        try
        {
            foreach (var layer in _layers)
            {
                layer.AttachTransposedWeight();
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
            layer.DetachTransposedWeight();
        }
    }
}
