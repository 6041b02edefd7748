using Alignment.Trainers.Losses;

namespace Alignment.Trainers.Tests.Losses;

public class PairwiseLossTests
{
    private const int Precision = 5;

    [Fact]
    public void PairwiseLoss_RewardsOneZero_Returns0313262() => Assert.Equal(0.313262, Loss(1f, 0f), Precision);

    [Fact]
    public void PairwiseLoss_EqualRewards_ReturnsLn2() => Assert.Equal(Math.Log(2), Loss(0.7f, 0.7f), Precision);

    [Fact]
    public void PairwiseLoss_RewardsTwoMinusOne_Returns0048587() => Assert.Equal(0.048587, Loss(2f, -1f), Precision);

    [Fact]
    public void PairwiseLoss_RewardsHalfAndOneAndHalf_Returns1313262() => Assert.Equal(1.313262, Loss(0.5f, 1.5f), Precision);

    [Fact]
    public void PairwiseLoss_MarginOneOnRewardsOneZero_ReturnsLn2() => Assert.Equal(Math.Log(2), Loss(1f, 0f, margin: 1f), Precision);

    [Fact]
    public void PairwiseLoss_MarginMinusTwoOnRewardsOneZero_Returns0048587() => Assert.Equal(0.048587, Loss(1f, 0f, margin: -2f), Precision);

    [Fact]
    public void PairwiseLoss_Batch_ReturnsMeanOverPairs()
    {
        using var scope = TensorScope.Begin();
        var loss = new PairwiseLoss().Compute(Tensor.FromArray([1f, 2f, 0.5f]), Tensor.FromArray([0f, -1f, 1.5f]));
        Assert.Equal((0.313262 + 0.048587 + 1.313262) / 3, loss.Item(), Precision);
    }

    [Fact]
    public void PairwiseLoss_CenterRewardsCoefficient_AddsMeanSquaredSum()
    {
        using var scope = TensorScope.Begin();
        var loss = new PairwiseLoss(0.01f).Compute(Tensor.FromArray([1f, 2f]), Tensor.FromArray([0f, -1f]));
        // mean(0.313262, 0.048587) + 0.01 · mean(1², 1²)
        Assert.Equal(((0.313262 + 0.048587) / 2) + 0.01, loss.Item(), Precision);
    }

    [Fact]
    public void PairwiseLoss_HugeNegativeDifference_IsFiniteAndLinear()
    {
        // −log σ(−200) = 200 + log(1 + e^−200); the naive −log(sigmoid(x)) gives infinity.
        Assert.Equal(200.0, Loss(-100f, 100f), 3);
        Assert.Equal(0.0, Loss(100f, -100f), Precision);
    }

    [Fact]
    public void PairwiseLoss_Gradients_MatchFiniteDifferences()
    {
        float[] chosen = [1f, -0.3f, 2f], rejected = [0f, 0.4f, -1.5f], margins = [0.5f, 0f, -1f];
        var loss = new PairwiseLoss(0.05f);
        GradientCheck.AssertMatches(loss, chosen, rejected, margins);
    }

    [Fact]
    public void PairwiseLoss_Gradient_IsMinusSigmoidOfMinusDifferenceOverB()
    {
        using var scope = TensorScope.Begin();
        var chosen = Tensor.FromArray([1f, 2f]);
        var rejected = Tensor.FromArray([0f, -1f]);
        chosen.RequiresGrad = true;
        rejected.RequiresGrad = true;
        new PairwiseLoss().Compute(chosen, rejected).Backward();
        // dL/dr_c = −σ(−(r_c − r_r)) / B, dL/dr_r = +σ(−(r_c − r_r)) / B
        var expected = new[] { -Sigmoid(-1) / 2, -Sigmoid(-3) / 2 };
        Assert.Equal(expected[0], chosen.Grad!.ToArray()[0], Precision);
        Assert.Equal(expected[1], chosen.Grad!.ToArray()[1], Precision);
        Assert.Equal(-expected[0], rejected.Grad!.ToArray()[0], Precision);
        Assert.Equal(-expected[1], rejected.Grad!.ToArray()[1], Precision);
    }

    [Fact]
    public void PairwiseLoss_MismatchedShapes_Throws()
    {
        using var scope = TensorScope.Begin();
        Assert.Throws<ArgumentException>(() => new PairwiseLoss().Compute(Tensor.FromArray([1f, 2f]), Tensor.FromArray([0f])));
        Assert.Throws<ArgumentException>(() => new PairwiseLoss().Compute(Tensor.FromArray([1f]), Tensor.FromArray([0f]), Tensor.FromArray([0f, 1f])));
    }

    [Fact]
    public void PairwiseLoss_NegativeCoefficient_Throws() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => new PairwiseLoss(-1f));

    private static double Sigmoid(double x) => 1 / (1 + Math.Exp(-x));

    private static double Loss(float chosen, float rejected, float? margin = null)
    {
        using var scope = TensorScope.Begin();
        var margins = margin is { } m ? Tensor.FromArray([m]) : null;
        return new PairwiseLoss().Compute(Tensor.FromArray([chosen]), Tensor.FromArray([rejected]), margins).Item();
    }
}
