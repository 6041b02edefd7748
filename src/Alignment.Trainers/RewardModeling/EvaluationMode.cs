using Alignment.NN;

namespace Alignment.Trainers.RewardModeling;

/// <summary>Puts a module in evaluation mode and restores its previous mode when disposed.</summary>
internal readonly struct EvaluationMode : IDisposable
{
    private readonly Module _module;
    private readonly bool _wasTraining;

    public EvaluationMode(Module module)
    {
        _module = module;
        _wasTraining = module.IsTraining;
        module.Eval();
    }

    public void Dispose() => _module.Train(_wasTraining);
}
