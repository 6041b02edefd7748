using System.Globalization;

namespace Alignment.Optim;

public abstract partial class Optimizer
{
    /// <summary>The names of the per-parameter state buffers, in buffer-index order ("exp_avg", …).</summary>
    private protected abstract IReadOnlyList<string> StateBufferNames { get; }

    /// <summary>
    /// Captures the step counts, the learning rate, the groups' weight decay and scale, and a copy of
    /// every state buffer. Other hyperparameters (betas, momentum, …) come from the constructor.
    /// </summary>
    /// <returns>A snapshot that later steps do not modify.</returns>
    public OptimizerState StateDict()
    {
        var state = new OptimizerState { Optimizer = GetType().Name, Step = StepCount };
        state.Scalars["lr"] = _learningRate;
        for (var g = 0; g < _groups.Length; g++)
        {
            state.Scalars[GroupKey(g, "weight_decay")] = _groups[g].WeightDecay;
            state.Scalars[GroupKey(g, "lr_scale")] = _groups[g].LearningRateScale;
        }

        foreach (var slot in AllSlots())
        {
            if (slot.Step > 0)
            {
                state.ParameterSteps[slot.Name] = slot.Step;
            }

            for (var b = 0; b < slot.Buffers.Length; b++)
            {
                if (slot.Buffers[b] is { } buffer)
                {
                    state.Buffers[BufferKey(slot, b)] = (float[])buffer.Clone();
                }
            }
        }

        return state;
    }

    /// <summary>
    /// Restores a state captured by <see cref="StateDict"/> from an optimizer of the same type over
    /// parameters with the same names and sizes. Everything is checked first, and all problems are
    /// reported together; on success the values are copied (the state object is not kept).
    /// </summary>
    /// <param name="state">The captured state.</param>
    /// <exception cref="ArgumentException">The state does not fit this optimizer; the message lists why.</exception>
    public void LoadStateDict(OptimizerState state)
    {
        ArgumentNullException.ThrowIfNull(state);
        var errors = Check(state);
        if (errors.Count > 0)
        {
            throw new ArgumentException($"The optimizer state does not fit this {GetType().Name}:{Environment.NewLine}  {string.Join(Environment.NewLine + "  ", errors)}", nameof(state));
        }

        StepCount = state.Step;
        _learningRate = state.Scalars["lr"];
        for (var g = 0; g < _groups.Length; g++)
        {
            _groups[g].WeightDecay = state.Scalars[GroupKey(g, "weight_decay")];
            _groups[g].LearningRateScale = state.Scalars[GroupKey(g, "lr_scale")];
        }

        foreach (var slot in AllSlots())
        {
            slot.Reset();
            slot.Step = state.ParameterSteps.GetValueOrDefault(slot.Name);
            for (var b = 0; b < slot.Buffers.Length; b++)
            {
                if (state.Buffers.TryGetValue(BufferKey(slot, b), out var buffer))
                {
                    slot.Buffers[b] = (float[])buffer.Clone();
                }
            }
        }
    }

    private static string GroupKey(int group, string name) => string.Create(CultureInfo.InvariantCulture, $"group.{group}.{name}");

    private string BufferKey(OptimizerSlot slot, int buffer) => slot.Name + "." + StateBufferNames[buffer];

    private IEnumerable<OptimizerSlot> AllSlots() => _slots.SelectMany(s => s);

    private List<string> Check(OptimizerState state)
    {
        var errors = new List<string>();
        if (state.Optimizer != GetType().Name)
        {
            errors.Add($"it was saved from '{state.Optimizer}'.");
        }

        if (state.Step < 0)
        {
            errors.Add($"step {state.Step} is negative.");
        }

        var scalars = new List<string> { "lr" };
        for (var g = 0; g < _groups.Length; g++)
        {
            scalars.Add(GroupKey(g, "weight_decay"));
            scalars.Add(GroupKey(g, "lr_scale"));
        }

        foreach (var key in scalars)
        {
            if (!state.Scalars.TryGetValue(key, out var value))
            {
                errors.Add($"scalar '{key}' is missing.");
            }
            else if (!double.IsFinite(value) || value < 0)
            {
                errors.Add($"scalar '{key}' = {value} is not finite and non-negative.");
            }
        }

        errors.AddRange(state.Scalars.Keys.Except(scalars).Select(k => $"unexpected scalar '{k}' (a different number of parameter groups?)."));
        var seenBuffers = new HashSet<string>(StringComparer.Ordinal);
        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (var slot in AllSlots())
        {
            names.Add(slot.Name);
            var step = state.ParameterSteps.GetValueOrDefault(slot.Name);
            if (step < 0)
            {
                errors.Add($"'{slot.Name}': step {step} is negative.");
            }

            for (var b = 0; b < slot.Buffers.Length; b++)
            {
                var key = BufferKey(slot, b);
                if (state.Buffers.TryGetValue(key, out var buffer))
                {
                    seenBuffers.Add(key);
                    if (buffer is null || buffer.Length != slot.Parameter.ElementCount)
                    {
                        errors.Add($"buffer '{key}' has {buffer?.Length ?? 0} values, the parameter has {slot.Parameter.ElementCount} (shape {Shapes.Format(slot.Parameter.ShapeArray)}).");
                    }
                    else if (step == 0)
                    {
                        errors.Add($"buffer '{key}' is present for a parameter never updated.");
                    }
                }
                else if (step > 0)
                {
                    errors.Add($"buffer '{key}' is missing for a parameter updated {step} times.");
                }
            }
        }

        errors.AddRange(state.ParameterSteps.Keys.Where(k => !names.Contains(k)).Select(k => $"unexpected parameter '{k}'."));
        errors.AddRange(state.Buffers.Keys.Where(k => !seenBuffers.Contains(k)).Select(k => $"unexpected buffer '{k}'."));
        return errors;
    }
}
