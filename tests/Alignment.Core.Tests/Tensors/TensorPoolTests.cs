using Alignment.Tests.Testing;

namespace Alignment.Tests.Tensors;

// The pool is global: these tests empty it and count what it holds, so no other test may use it meanwhile.
[Collection(PoolCounting.Name)]
public sealed class TensorPoolTests : IDisposable
{
    private readonly long _limit = TensorPool.LimitBytes;

    public TensorPoolTests() => TensorPool.Clear();

    public void Dispose()
    {
        TensorPool.LimitBytes = _limit;
        TensorPool.Clear();
    }

    [Fact]
    public void Rent_TakesTheShortestIdleArrayOfAtLeastTheLength_AndAtMostTwiceIt()
    {
        float[] a150 = new float[150], a120 = new float[120], a90 = new float[90];
        TensorPool.Return(a150);
        TensorPool.Return(a120);
        TensorPool.Return(a90);

        Assert.Same(a120, TensorPool.Rent(100, zero: false)); // 90 is too short, 120 fits better than 150
        Assert.Same(a150, TensorPool.Rent(100, zero: false));
        var fresh = TensorPool.Rent(100, zero: false);          // only 90 is left: a new array of exactly 100
        Assert.Equal(100, fresh.Length);
        Assert.Same(a90, TensorPool.Rent(46, zero: false));     // 90 ≤ 2·46
        TensorPool.Return(a90);
        Assert.NotSame(a90, TensorPool.Rent(44, zero: false));  // 90 > 2·44
    }

    [Fact]
    public void Rent_Zero_ClearsTheRequestedLengthOfAReusedArray()
    {
        var dirty = Enumerable.Repeat(float.NaN, 64).ToArray();
        TensorPool.Return(dirty);

        var array = TensorPool.Rent(40, zero: true);

        Assert.Same(dirty, array);
        Assert.All(array[..40], v => Assert.Equal(0f, v));
    }

    [Fact]
    public void EndStep_ASteadyStep_KeepsEverythingItUses()
    {
        int[] lengths = [1000, 1000, 5000, 20000, 7];
        void Step()
        {
            var arrays = lengths.Select(n => TensorPool.Rent(n, zero: false)).ToList();
            arrays.ForEach(TensorPool.Return);
            TensorPool.EndStep();
        }

        Step();
        var allocations = TensorPool.Allocations;
        for (var i = 0; i < 10; i++)
        {
            Step();
        }

        Assert.Equal(allocations, TensorPool.Allocations);
    }

    [Fact]
    public void EndStep_ShapesThatVary_KeepThePoolWithinTwiceTheLargestStep()
    {
        // Each step asks for arrays sized by a random "sequence length", as batches padded to their longest row do.
        var random = new Random(5);
        long largest = 0;
        for (var step = 0; step < 200; step++)
        {
            var t = random.Next(16, 256);
            int[] lengths = [8 * t * 64, 8 * t * 64, 8 * t * 256, 8 * 4 * t * t, 8 * t];
            var arrays = lengths.Select(n => TensorPool.Rent(n, zero: false)).ToList();
            largest = Math.Max(largest, arrays.Sum(a => (long)a.Length * sizeof(float)));
            arrays.ForEach(TensorPool.Return);
            TensorPool.EndStep();

            Assert.True(TensorPool.PooledBytes <= 2 * largest, $"step {step}: {TensorPool.PooledBytes} bytes pooled, largest step {largest}");
        }
    }

    [Fact]
    public void EndStep_LengthsNoLongerAskedFor_AreLetGoOnceTheirStepsLeaveTheWindow()
    {
        var big = TensorPool.Rent(1 << 20, zero: false);
        TensorPool.Return(big);
        TensorPool.EndStep();
        for (var step = 0; step < TensorPool.StepWindow; step++)
        {
            TensorPool.Return(TensorPool.Rent(1000, zero: false));
            TensorPool.EndStep();
        }

        Assert.True(TensorPool.PooledBytes <= 2 * 1000 * sizeof(float), $"{TensorPool.PooledBytes} bytes pooled");
        Assert.NotSame(big, TensorPool.Rent(1 << 20, zero: false));
    }

    [Fact]
    public void LimitBytes_DropsTheLeastRecentlyUsedLengthsFirst()
    {
        var old = TensorPool.Rent(1000, zero: false);
        TensorPool.Return(old);
        TensorPool.EndStep(); // a step that rented 1000 floats keeps them
        var recent = TensorPool.Rent(2000, zero: false);
        TensorPool.Return(recent);
        Assert.Equal(3000 * sizeof(float), TensorPool.PooledBytes);

        TensorPool.LimitBytes = 2500 * sizeof(float);

        Assert.Equal(2000 * sizeof(float), TensorPool.PooledBytes);
        Assert.Same(recent, TensorPool.Rent(1500, zero: false));
        Assert.Throws<ArgumentOutOfRangeException>(() => TensorPool.LimitBytes = -1);
    }

    [Fact]
    public void Return_BeyondTheLimit_DropsArraysAtOnce()
    {
        TensorPool.LimitBytes = 3000 * sizeof(float);

        TensorPool.Return(new float[2000]);
        TensorPool.Return(new float[2000]);

        Assert.Equal(2000 * sizeof(float), TensorPool.PooledBytes);
    }
}
