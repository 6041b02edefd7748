using Alignment.Models.Gpt2;
using Alignment.Models.Tests.Testing;

namespace Alignment.Models.Tests.Gpt2;

// Its tests put arrays into the shared tensor pool and count what is there: no other test may use the pool meanwhile.
[Collection(PoolCounting.Name)]
public class KeyValueCacheTests
{
    // TinyGpt2: 2 layers, 2 heads of size 8.
    [Theory]
    [InlineData(2, 3, 2, 8, "2 layers, batch 3, 2 heads of size 8")] // another batch
    [InlineData(3, 2, 2, 8, "3 layers, batch 2, 2 heads of size 8")] // another model
    [InlineData(2, 2, 4, 4, "2 layers, batch 2, 4 heads of size 4")]
    public void Forward_CacheOfAnotherShape_ThrowsNamingBothShapes(int layers, int batch, int heads, int headSize, string cacheShape)
    {
        var model = TinyGpt2.CreateLanguageModel();
        var cache = new KeyValueCache(layers, batch, heads, 16, headSize);
        using var noGrad = Tensor.NoGrad();

        var ex = Assert.Throws<ArgumentException>(() => model.Forward(TinyGpt2.Ids(), cache: cache));

        Assert.Equal("cache", ex.ParamName);
        Assert.Contains($"The key/value cache has {cacheShape} but is used with 2 layers, batch 2, 2 heads of size 8", ex.Message);
        Assert.Equal(0, cache.Length);
    }

    [Fact]
    public void AttentionForward_CacheOfAnotherBatchOrLayer_Throws()
    {
        var attention = TinyGpt2.CreateBackbone().Blocks[0].Attention;
        using var noGrad = Tensor.NoGrad();
        var x = Tensor.Ones(2, 3, 16);

        var ex = Assert.Throws<ArgumentException>(() => attention.Forward(x, null, new KeyValueCache(2, 1, 2, 16, 8), 0));
        Assert.Contains("has batch 1, 2 heads of size 8 but is used with batch 2, 2 heads of size 8", ex.Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => attention.Forward(x, null, new KeyValueCache(2, 2, 2, 16, 8), 2));
    }

    [Fact]
    public void AttentionForward_CachedWithAFloatMask_EqualsTheUncachedPass()
    {
        // Callers of the attention layer itself pass [B, cached + new] float masks; the layer copies them into the cache.
        var attention = TinyGpt2.CreateBackbone(seed: 4).Blocks[1].Attention;
        var x = Tensor.RandomNormal(new RandomGenerator(2), 0f, 1f, 2, 5, 16);
        float[] mask = [0, 1, 1, 1, 1, 1, 1, 0, 1, 1];
        using var noGrad = Tensor.NoGrad();
        var expected = attention.Forward(x, Tensor.FromArray(mask, 2, 5), null, 0).ToArray(); // [2, 5, 16]

        var cache = new KeyValueCache(2, 2, 2, 8, 8);
        var prefill = attention.Forward(x.Narrow(1, 0, 4).Contiguous(), Tensor.FromArray([.. mask[0..4], .. mask[5..9]], 2, 4), cache, 0).ToArray();
        cache.Advance(4);
        var step = attention.Forward(x.Narrow(1, 4, 1).Contiguous(), Tensor.FromArray(mask, 2, 5), cache, 0).ToArray();

        for (var r = 0; r < 2; r++)
        {
            TinyGpt2.AssertClose(expected.AsSpan(((r * 5) + 1) * 16, 3 * 16).ToArray(), prefill.AsSpan(((r * 4) + 1) * 16, 3 * 16).ToArray(), 1e-5, $"prefill row {r}");
            TinyGpt2.AssertClose(expected.AsSpan(((r * 5) + 4) * 16, 16).ToArray(), step.AsSpan(r * 16, 16).ToArray(), 1e-5, $"step row {r}");
        }
    }

    [Fact]
    public void AttentionForward_CachedMaskOfTheWrongWidth_Throws()
    {
        var attention = TinyGpt2.CreateBackbone().Blocks[0].Attention;
        using var noGrad = Tensor.NoGrad();

        var ex = Assert.Throws<ArgumentException>(() => attention.Forward(Tensor.Ones(2, 3, 16), Tensor.Ones(2, 4), new KeyValueCache(2, 2, 2, 16, 8), 0));

        Assert.Contains("must be [2, 3]", ex.Message);
    }

    [Fact]
    public void DecodeStep_AllocatesNoKeyMaskPerLayer()
    {
        // A long cache makes a per-layer [B, capacity] mask (64 KiB per layer here) stand out from the step's small objects.
        var config = TinyGpt2.Config with { MaxPositions = 2048 };
        var model = new Gpt2LanguageModel(config, seed: 1);
        model.Eval();
        var cache = model.CreateCache(batch: 8);
        var mask = new IntTensor(8, 2048);
        Array.Fill(mask.Data, 1);
        using var noGrad = Tensor.NoGrad();
        using (TensorScope.Begin())
        {
            model.Forward(new IntTensor(8, 8), Prefix(mask, 8), cache: cache);
        }

        long Step()
        {
            var masked = Prefix(mask, cache.Length + 1);
            var ids = new IntTensor(8, 1);
            var before = GC.GetAllocatedBytesForCurrentThread();
            using (TensorScope.Begin())
            {
                model.Forward(ids, masked, cache: cache);
            }

            return GC.GetAllocatedBytesForCurrentThread() - before;
        }

        Step();
        Step();
        var allocated = Step();

        Assert.True(allocated < 8 * 2048 * sizeof(float), $"A decode step allocated {allocated} bytes.");
    }

    [Fact]
    public void Dispose_ThenUse_ThrowsObjectDisposed_AndDisposingTwiceDoesNothing()
    {
        var model = TinyGpt2.CreateLanguageModel();
        var cache = model.CreateCache(batch: 2, capacity: 16);
        using var noGrad = Tensor.NoGrad();

        cache.Dispose();
        cache.Dispose();

        Assert.Throws<ObjectDisposedException>(() => model.Forward(TinyGpt2.Ids(), cache: cache));
        Assert.Throws<ObjectDisposedException>(() => cache.Keys(0));
        Assert.Throws<ObjectDisposedException>(() => cache.Values(1));
    }

    [Fact]
    public void NewCache_OnPooledBuffersThatHoldData_StartsCleared()
    {
        // A cache's buffers come from the tensor pool. Put arrays full of data there, of exactly the size the cache asks
        // for (3 rows, 11 positions, 2 heads of 8: 528 floats), so it takes them; it must still start from zeros.
        var model = TinyGpt2.CreateLanguageModel();
        var dirty = Enumerable.Range(0, 4).Select(_ => Enumerable.Repeat(float.NaN, 3 * 2 * 11 * 8).ToArray()).ToArray();
        foreach (var array in dirty)
        {
            TensorPool.Return(array);
        }

        using var cache = model.CreateCache(batch: 3, capacity: 11);

        for (var layer = 0; layer < cache.LayerCount; layer++)
        {
            foreach (var buffer in new[] { cache.Keys(layer).ToArray(), cache.Values(layer).ToArray() })
            {
                Assert.All(buffer, v => Assert.Equal(0f, v));
            }

            Assert.Contains(dirty, array => IsBufferOf(array, cache.Keys(layer)));
            Assert.Contains(dirty, array => IsBufferOf(array, cache.Values(layer)));
        }
    }

    [Fact]
    public void Dispose_GivesTheBuffersBackToThePool()
    {
        var model = TinyGpt2.CreateLanguageModel();
        var cache = model.CreateCache(batch: 3, capacity: 13);
        var keys = cache.Keys(0).Length;
        var before = TensorPool.PooledBytes;

        cache.Dispose();

        // The pool may have handed out longer arrays than asked for, so at least this much came back.
        Assert.True(TensorPool.PooledBytes - before >= 2L * cache.LayerCount * keys * sizeof(float));
    }

    private static bool IsBufferOf(float[] array, Span<float> span) =>
        System.Runtime.CompilerServices.Unsafe.AreSame(ref array[0], ref System.Runtime.InteropServices.MemoryMarshal.GetReference(span));

    private static IntTensor Prefix(IntTensor mask, int width)
    {
        var result = new IntTensor(mask.Size(0), width);
        for (var r = 0; r < mask.Size(0); r++)
        {
            mask.Data.AsSpan(r * mask.Size(1), width).CopyTo(result.Data.AsSpan(r * width, width));
        }

        return result;
    }
}
