namespace Alignment.Optim;

/// <summary>
/// Applies a schedule to an optimizer: at step s the optimizer's learning rate is
/// base · schedule.GetFactor(s), as Hugging Face's LambdaLR. Call <see cref="Step"/> after each
/// <see cref="Optimizer.Step"/>; optimizer step k (from 0) then uses the factor of step k.
/// To resume, create the scheduler, load the optimizer state, then restore <see cref="CurrentStep"/>.
/// </summary>
public sealed class LearningRateScheduler
{
    private readonly Optimizer _optimizer;
    private int _currentStep;

    /// <summary>Creates the scheduler and applies the factor of step 0.</summary>
    /// <param name="optimizer">The optimizer whose <see cref="Optimizer.LearningRate"/> is set.</param>
    /// <param name="schedule">The schedule.</param>
    /// <param name="baseLearningRate">The learning rate that factors multiply. The default value is null: the optimizer's learning rate now.</param>
    public LearningRateScheduler(Optimizer optimizer, ILearningRateSchedule schedule, double? baseLearningRate = null)
    {
        ArgumentNullException.ThrowIfNull(optimizer);
        ArgumentNullException.ThrowIfNull(schedule);
        _optimizer = optimizer;
        Schedule = schedule;
        BaseLearningRate = ParameterGroup.CheckNonNegative(baseLearningRate ?? optimizer.LearningRate, nameof(baseLearningRate));
        Apply();
    }

    /// <summary>The schedule.</summary>
    public ILearningRateSchedule Schedule { get; }

    /// <summary>The learning rate that the schedule's factors multiply.</summary>
    public double BaseLearningRate { get; }

    /// <summary>The learning rate set for the current step.</summary>
    public double LearningRate => _optimizer.LearningRate;

    /// <summary>
    /// The number of <see cref="Step"/> calls so far: the scheduler's whole state. Setting it (to
    /// resume) applies that step's learning rate.
    /// </summary>
    public int CurrentStep
    {
        get => _currentStep;
        set
        {
            ArgumentOutOfRangeException.ThrowIfNegative(value);
            _currentStep = value;
            Apply();
        }
    }

    /// <summary>Advances one step and sets the optimizer's learning rate for it.</summary>
    public void Step() => CurrentStep = checked(_currentStep + 1);

    private void Apply() => _optimizer.LearningRate = BaseLearningRate * Schedule.GetFactor(_currentStep);
}
