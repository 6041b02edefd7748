using Alignment.Trainers.RewardModeling;

namespace RewardModelingSample;

/// <summary>Draws training progress on one console line (reported synchronously on the training thread).</summary>
internal sealed class ConsoleProgressBar : IProgress<RewardModelProgress>
{
    private const int Width = 30;

    public void Report(RewardModelProgress value)
    {
        var filled = (int)Math.Round(value.Fraction * Width);
        Console.Write($"\r[{new string('#', filled)}{new string('.', Width - filled)}] {value.Fraction,4:P0}  step {value.Step}/{value.TotalSteps}  epoch {value.Epoch:F2}  loss {value.Loss:F4}  {value.Elapsed:mm\\:ss}");
        if (value.Step == value.TotalSteps)
        {
            Console.WriteLine();
        }
    }
}
