namespace Alignment.Trainers.RewardModeling;

/// <summary>Accumulates accuracy, margin and mean rewards over preference pairs.</summary>
internal sealed class PairStatistics
{
    private int _correct;
    private double _margin;
    private double _chosen;
    private double _rejected;

    public int Count { get; private set; }

    /// <summary>The share of pairs with r_c &gt; r_r (0 when empty).</summary>
    public double Accuracy => Count == 0 ? 0 : (double)_correct / Count;

    public double MeanMargin => Count == 0 ? 0 : _margin / Count;

    public double MeanChosen => Count == 0 ? 0 : _chosen / Count;

    public double MeanRejected => Count == 0 ? 0 : _rejected / Count;

    /// <summary>Adds pairs from reward tensors [B].</summary>
    public void Add(Tensor chosenRewards, Tensor rejectedRewards)
    {
        var chosen = chosenRewards.ToArray();
        var rejected = rejectedRewards.ToArray();
        for (var i = 0; i < chosen.Length; i++)
        {
            _correct += chosen[i] > rejected[i] ? 1 : 0;
            _margin += (double)chosen[i] - rejected[i];
            _chosen += chosen[i];
            _rejected += rejected[i];
        }

        Count += chosen.Length;
    }
}
