namespace Alignment.Optim;

/// <summary>
/// Stochastic gradient descent with optional momentum, Nesterov momentum and (coupled, L2) weight
/// decay, exactly as torch.optim.SGD without dampening. For each parameter with a gradient g:
/// d = g + wd·p; with momentum μ, b = d on the first update and b ← μb + d after, then d = b, or
/// d + μb with Nesterov; p ← p − lr·d. State buffer (with momentum): "momentum_buffer".
/// </summary>
public sealed class Sgd : Optimizer
{
    private static readonly string[] MomentumBufferNames = ["momentum_buffer"];
    private readonly float _momentum;
    private readonly bool _nesterov;

    /// <summary>Creates the optimizer with one group.</summary>
    /// <param name="namedParameters">The parameters with unique names, usually <c>model.NamedParameters()</c>.</param>
    /// <param name="learningRate">The learning rate, finite and not negative.</param>
    /// <param name="momentum">The momentum factor μ, in [0, 1). The default value is 0.</param>
    /// <param name="weightDecay">The L2 penalty added to the gradient, finite and not negative. The default value is 0.</param>
    /// <param name="nesterov">Whether to use Nesterov momentum (needs μ &gt; 0). The default value is false.</param>
    public Sgd(IEnumerable<(string Name, Tensor Parameter)> namedParameters, double learningRate, double momentum = 0, double weightDecay = 0, bool nesterov = false)
        : this([new ParameterGroup(namedParameters, weightDecay)], learningRate, momentum, nesterov)
    {
    }

    /// <summary>Creates the optimizer over explicit groups, each with its own weight decay and learning-rate scale.</summary>
    /// <param name="groups">The parameter groups; parameter names must be unique across groups.</param>
    /// <param name="learningRate">The base learning rate, finite and not negative.</param>
    /// <param name="momentum">The momentum factor μ, in [0, 1). The default value is 0.</param>
    /// <param name="nesterov">Whether to use Nesterov momentum (needs μ &gt; 0). The default value is false.</param>
    public Sgd(IEnumerable<ParameterGroup> groups, double learningRate, double momentum = 0, bool nesterov = false)
        : base(groups, learningRate, CheckMomentum(momentum, nesterov) ? 1 : 0)
    {
        _momentum = (float)momentum;
        _nesterov = nesterov;
    }

    /// <inheritdoc/>
    private protected override IReadOnlyList<string> StateBufferNames => _momentum != 0 ? MomentumBufferNames : [];

    /// <inheritdoc/>
    private protected override void Update(OptimizerSlot slot, ReadOnlySpan<float> grad, double learningRate, double weightDecay)
    {
        var p = slot.Parameter.Span;
        var lr = (float)learningRate;
        var wd = (float)weightDecay;
        var first = _momentum != 0 && slot.Buffers[0] is null;
        var buffer = _momentum != 0 ? slot.Buffer(0) : [];
        for (var i = 0; i < p.Length; i++)
        {
            var d = wd != 0 ? grad[i] + (wd * p[i]) : grad[i];
            if (_momentum != 0)
            {
                var b = first ? d : (_momentum * buffer[i]) + d;
                buffer[i] = b;
                d = _nesterov ? d + (_momentum * b) : b;
            }

            p[i] -= lr * d;
        }
    }

    /// <summary>Validates the momentum settings; returns whether a momentum buffer is needed.</summary>
    private static bool CheckMomentum(double momentum, bool nesterov)
    {
        if (!(momentum >= 0 && momentum < 1))
        {
            throw new ArgumentOutOfRangeException(nameof(momentum), momentum, "Momentum must be in [0, 1).");
        }

        if (nesterov && momentum == 0)
        {
            throw new ArgumentException("Nesterov momentum needs a momentum greater than 0.", nameof(nesterov));
        }

        return momentum != 0;
    }
}
