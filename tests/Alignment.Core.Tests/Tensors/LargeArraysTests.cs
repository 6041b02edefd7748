namespace Alignment.Tests.Tensors;

public sealed class LargeArraysTests
{
    [Theory]
    [InlineData(0)]
    [InlineData(1000)]
    [InlineData(LargeArrays.HugePageThreshold - 1)]
    [InlineData(LargeArrays.HugePageThreshold)]
    [InlineData((3 * LargeArrays.HugePageThreshold) + 5)]
    public void Allocate_GivesAZeroedArrayOfTheLength(int length)
    {
        var array = LargeArrays.Allocate(length);

        Assert.Equal(length, array.Length);
        Assert.True(array.AsSpan().IndexOfAnyExcept(0f) < 0, "the array is not all zeros");
    }

    [Fact]
    public void TryAdviseHugePages_TakenOnLinuxForAnArrayHoldingWholePages_NeverForOneTooShort()
    {
        // Linux takes the advice when it has transparent huge pages (whatever their mode); other systems have no advice.
        bool expected = OperatingSystem.IsLinux() && File.Exists("/sys/kernel/mm/transparent_hugepage/enabled");
        var large = GC.AllocateUninitializedArray<float>(LargeArrays.HugePageThreshold, pinned: true);
        var small = GC.AllocateUninitializedArray<float>(1000, pinned: true);

        Assert.Equal(expected, LargeArrays.TryAdviseHugePages(large));
        Assert.False(LargeArrays.TryAdviseHugePages(small));
    }
}
