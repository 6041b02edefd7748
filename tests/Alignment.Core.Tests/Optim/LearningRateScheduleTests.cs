using Alignment.Optim;

namespace Alignment.Tests.Optim;

public class LearningRateScheduleTests
{
    [Theory]
    [InlineData(0, 0.0)]
    [InlineData(5, 0.5)]
    [InlineData(10, 1.0)]
    [InlineData(55, 0.5)]
    [InlineData(91, 0.1)]
    [InlineData(100, 0.0)]
    [InlineData(150, 0.0)]
    public void LinearWithWarmup_RampsUpThenDecaysToZero(int step, double expected) =>
        Assert.Equal(expected, new LinearWithWarmupSchedule(10, 100).GetFactor(step), 12);

    [Theory]
    [InlineData(0, 0.0)]
    [InlineData(5, 0.5)]
    [InlineData(10, 1.0)]
    [InlineData(55, 0.5)]
    [InlineData(100, 0.0)]
    [InlineData(120, 0.0)]
    public void CosineWithWarmup_RampsUpThenFollowsHalfCosine(int step, double expected) =>
        Assert.Equal(expected, new CosineWithWarmupSchedule(10, 100).GetFactor(step), 12);

    [Fact]
    public void CosineWithWarmup_QuarterWay_IsHalfPlusHalfCosQuarterPi() =>
        Assert.Equal(0.5 * (1 + Math.Cos(Math.PI / 4)), new CosineWithWarmupSchedule(0, 100).GetFactor(25), 12);

    [Theory]
    [InlineData(0, 0.0)]
    [InlineData(3, 0.75)]
    [InlineData(4, 1.0)]
    [InlineData(1000, 1.0)]
    public void ConstantWithWarmup_RampsUpThenStays(int step, double expected) =>
        Assert.Equal(expected, new ConstantWithWarmupSchedule(4).GetFactor(step), 12);

    [Fact]
    public void Constant_IsOne() => Assert.Equal(1.0, new ConstantSchedule().GetFactor(12345));

    [Fact]
    public void Schedules_InvalidArguments_Throw()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new LinearWithWarmupSchedule(10, 5));
        Assert.Throws<ArgumentOutOfRangeException>(() => new CosineWithWarmupSchedule(-1, 5));
        Assert.Throws<ArgumentOutOfRangeException>(() => new ConstantSchedule().GetFactor(-1));
    }

    [Fact]
    public void Scheduler_SetsOptimizerLearningRateEachStep_AndResumesFromStep()
    {
        var optimizer = new Sgd([AdamWTests.Parameter("p", 2)], learningRate: 2.0);
        var scheduler = new LearningRateScheduler(optimizer, new LinearWithWarmupSchedule(2, 4));
        var seen = new List<double> { optimizer.LearningRate };
        for (var i = 0; i < 5; i++)
        {
            scheduler.Step();
            seen.Add(optimizer.LearningRate);
        }

        Assert.Equal([0.0, 1.0, 2.0, 1.0, 0.0, 0.0], seen);
        Assert.Equal(5, scheduler.CurrentStep);
        Assert.Equal(2.0, scheduler.BaseLearningRate);

        scheduler.CurrentStep = 1;
        Assert.Equal(1.0, optimizer.LearningRate);
    }
}
