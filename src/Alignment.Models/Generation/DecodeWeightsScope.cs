using Alignment.Models.Gpt2;
using Alignment.NN;

namespace Alignment.Models.Generation;

/// <summary>
/// Attaches a decode copy of the weight (<see cref="Conv1D.AttachDecodeWeight"/>) to every <see cref="Conv1D"/> of a
/// model for the duration of a generation call (see <see cref="GenerationOptions.TransposeWeights"/>), and one of the
/// output projection (<see cref="Gpt2LanguageModel.AttachDecodeHead"/>); detaches them all when disposed. On a machine without AVX2 and FMA it attaches none (<see cref="DecodeWeight.IsSupported"/>).
/// </summary>
internal sealed class DecodeWeightsScope : IDisposable
{
    private readonly Gpt2LanguageModel _model;
    private readonly List<Conv1D> _layers;

    public DecodeWeightsScope(Gpt2LanguageModel model, DecodeWeightPrecision precision)
    {
        _model = model;
        if (!DecodeWeight.IsSupported)
        {
            _layers = [];
            return;
        }

        _layers = [.. model.NamedModules().Select(m => m.Module).OfType<Conv1D>()];
        bool bfloat16 = precision == DecodeWeightPrecision.BFloat16;
        try
        {
            foreach (var layer in _layers)
            {
                layer.AttachDecodeWeight(bfloat16);
            }

            model.AttachDecodeHead(bfloat16);
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

        _model.DetachDecodeHead();
    }
}
