using Alignment.NN;

namespace Alignment.Models.Generation;

/// <summary>
/// Switches a module tree to evaluation mode (no dropout) and, when disposed, gives every module back the training
/// flag it had before.
/// </summary>
internal sealed class EvaluationModeScope : IDisposable
{
    private readonly List<(Module Module, bool Training)> _modes;

    public EvaluationModeScope(Module root)
    {
        // Pre-order, so that restoring in this order lets each module's own flag win over its parent's Train call.
        _modes = [.. root.NamedModules().Select(m => (m.Module, m.Module.IsTraining))];
        root.Eval();
    }

    public void Dispose()
    {
        foreach (var (module, training) in _modes)
        {
            if (module.IsTraining != training)
            {
                module.Train(training);
            }
        }
    }
}
