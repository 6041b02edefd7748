using Alignment.Trainers.Losses;

namespace Alignment.Trainers.Tests.Losses;

public class LogExpLossTests
{
    private const int Precision = 5;

    [Theory]
    [InlineData(1f, 0f, 0.313262)]
    [InlineData(0.7f, 0.7f, 0.693147)]
    [InlineData(2f, -1f, 0.048587)]
    [InlineData(0.5f, 1.5f, 1.313262)]
    public void LogExpLoss_Rewards_ReturnsLogOnePlusExpOfDifference(float chosen, float rejected, double expected)
    {
        using var scope = TensorScope.Begin();
        var loss = new LogExpLoss().Compute(Tensor.FromArray([chosen]), Tensor.FromArray([rejected]));
        Assert.Equal(expected, loss.Item(), Precision);
        Assert.Equal(Math.Log(1 + Math.Exp(rejected - chosen)), loss.Item(), Precision);
    }

    [Fact]
    public void LogExpLoss_Margins_AreIgnored()
    {
        using var scope = TensorScope.Begin();
        var loss = new LogExpLoss().Compute(Tensor.FromArray([1f]), Tensor.FromArray([0f]), Tensor.FromArray([5f]));
        Assert.Equal(0.313262, loss.Item(), Precision);
    }

    [Fact]
    public void LogExpLoss_HugeNegativeDifference_IsFinite()
    {
        using var scope = TensorScope.Begin();
        var loss = new LogExpLoss().Compute(Tensor.FromArray([-100f]), Tensor.FromArray([100f]));
        Assert.Equal(200.0, loss.Item(), 3);
    }

    [Fact]
    public void LogExpLoss_Gradients_MatchFiniteDifferences() =>
        GradientCheck.AssertMatches(new LogExpLoss(), [1f, -0.3f, 2f], [0f, 0.4f, -1.5f], margins: null);
}
