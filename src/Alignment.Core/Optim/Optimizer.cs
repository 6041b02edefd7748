using Alignment.NN;

namespace Alignment.Optim;

/// <summary>
/// Updates parameters from their gradients. Parameters sit in <see cref="ParameterGroups"/>, each with
/// its own weight decay and learning-rate scale; each parameter has a unique name that keys its state.
/// Typical step: <c>optimizer.ZeroGrad(); loss.Backward(); optimizer.Step();</c>.
/// </summary>
public abstract partial class Optimizer
{
    private readonly ParameterGroup[] _groups;
    private readonly OptimizerSlot[][] _slots;
    private double _learningRate;

    private protected Optimizer(IEnumerable<ParameterGroup> groups, double learningRate, int bufferCount)
    {
        ArgumentNullException.ThrowIfNull(groups);
        _groups = groups.ToArray();
        LearningRate = learningRate;
        var names = new HashSet<string>(StringComparer.Ordinal);
        var tensors = new HashSet<Tensor>(ReferenceEqualityComparer.Instance);
        _slots = new OptimizerSlot[_groups.Length][];
        for (var g = 0; g < _groups.Length; g++)
        {
            var group = _groups[g] ?? throw new ArgumentException("A parameter group is null.", nameof(groups));
            _slots[g] = new OptimizerSlot[group.Parameters.Count];
            for (var i = 0; i < _slots[g].Length; i++)
            {
                var (name, parameter) = group.Parameters[i];
                ArgumentException.ThrowIfNullOrEmpty(name, nameof(groups));
                ArgumentNullException.ThrowIfNull(parameter, nameof(groups));
                if (!names.Add(name))
                {
                    throw new ArgumentException($"Two parameters are named '{name}'; parameter names key the optimizer state and must be unique.", nameof(groups));
                }

                if (!tensors.Add(parameter))
                {
                    throw new ArgumentException($"The parameter '{name}' appears more than once (under another name or in another group).", nameof(groups));
                }

                if (!parameter.IsLeaf || !parameter.IsContiguous)
                {
                    throw new ArgumentException($"The parameter '{name}' must be a contiguous leaf tensor.", nameof(groups));
                }

                _slots[g][i] = new OptimizerSlot(name, parameter, group, bufferCount);
            }
        }

        if (names.Count == 0)
        {
            throw new ArgumentException("The optimizer got no parameters.", nameof(groups));
        }
    }

    /// <summary>The parameter groups, in order.</summary>
    public IReadOnlyList<ParameterGroup> ParameterGroups => _groups;

    /// <summary>
    /// The base learning rate; each group uses it times its <see cref="ParameterGroup.LearningRateScale"/>.
    /// Schedules set it every step (see <see cref="LearningRateScheduler"/>). Finite and not negative.
    /// </summary>
    public double LearningRate
    {
        get => _learningRate;
        set => _learningRate = ParameterGroup.CheckNonNegative(value, nameof(LearningRate));
    }

    /// <summary>The number of completed <see cref="Step"/> calls.</summary>
    public long StepCount { get; private set; }

    /// <summary>
    /// Updates every parameter that has a gradient; parameters whose <see cref="Tensor.Grad"/> is null
    /// (frozen, or unused by the loss) are skipped and keep their state.
    /// </summary>
    /// <exception cref="InvalidOperationException">A gradient's element count differs from its parameter's.</exception>
    public void Step()
    {
        StepCount++;
        for (var g = 0; g < _groups.Length; g++)
        {
            var group = _groups[g];
            var learningRate = _learningRate * group.LearningRateScale;
            foreach (var slot in _slots[g])
            {
                var grad = slot.Parameter.Grad;
                if (grad is null)
                {
                    continue;
                }

                if (grad.ElementCount != slot.Parameter.ElementCount)
                {
                    throw new InvalidOperationException($"The gradient of '{slot.Name}' has shape {Shapes.Format(grad.ShapeArray)}, the parameter {Shapes.Format(slot.Parameter.ShapeArray)}.");
                }

                slot.Step++;
                Update(slot, grad.IsContiguous ? grad.Span : grad.ToArray(), learningRate, group.WeightDecay);
            }
        }
    }

    /// <summary>Sets every parameter's gradient to zero in place, keeping its buffer (gradients not yet created stay null).</summary>
    public void ZeroGrad()
    {
        foreach (var slots in _slots)
        {
            foreach (var slot in slots)
            {
                GradBuffers.Zero(slot.Parameter);
            }
        }
    }

    /// <summary>Applies one update to one parameter; <see cref="OptimizerSlot.Step"/> is already incremented.</summary>
    /// <param name="slot">The parameter and its state.</param>
    /// <param name="grad">Its gradient, [ElementCount].</param>
    /// <param name="learningRate">The group's learning rate.</param>
    /// <param name="weightDecay">The group's weight decay.</param>
    private protected abstract void Update(OptimizerSlot slot, ReadOnlySpan<float> grad, double learningRate, double weightDecay);
}
