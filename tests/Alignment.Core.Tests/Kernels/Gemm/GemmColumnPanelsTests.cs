using Alignment.IO;
using Alignment.Kernels;
using Alignment.Tests.Kernels.Reference;

namespace Alignment.Tests.Kernels;

public class GemmColumnPanelsTests
{
    private static readonly int[] Depths = [1, 7, 8, 9, 33, 129, 257];
    private static readonly int[] Widths = [1, 2, 7, 8, 23, 24, 25, 50];

    [Fact]
    public void CountAndLength_AreWholePanels()
    {
        Assert.Equal([0, 1, 1, 1, 2, 3], new[] { 0, 1, 23, 24, 25, 50 }.Select(GemmColumnPanels.Count));
        Assert.Equal(2L * 24 * 7, GemmColumnPanels.Length(7, 25));
    }

    [Fact]
    public void Index_IsTheDocumentedLayout_AndFillsTheBufferWithoutOverlap()
    {
        foreach (int k in Depths)
        {
            foreach (int n in Widths)
            {
                var seen = new bool[GemmColumnPanels.Length(k, n)];
                for (int p = 0; p < k; p++)
                {
                    for (int j = 0; j < n; j++)
                    {
                        // Written out from the layout's definition: panel j / 24, then row p of 24 values.
                        long expected = ((j / 24) * 24L * k) + (24L * p) + (j % 24);
                        long index = GemmColumnPanels.Index(p, j, k);
                        Assert.Equal(expected, index);
                        Assert.False(seen[index], $"k={k} n={n}: index {index} taken twice");
                        seen[index] = true;
                    }
                }

                // Only the padding columns of the last panel are left.
                Assert.Equal(((long)GemmColumnPanels.Count(n) * 24 - n) * k, seen.Count(s => !s));
            }
        }
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void PackInOut_PutsEveryValueAtItsIndex_AndZerosThePadding(bool parallel)
    {
        foreach ((int k, int n, float[] w, _) in Matrices(parallel))
        {
            float[] packed = Filled(GemmColumnPanels.Length(k, n), float.NaN);

            PackInOut(w, k, n, packed, parallel);

            for (int p = 0; p < k; p++)
            {
                for (int j = 0; j < GemmColumnPanels.Count(n) * 24; j++)
                {
                    float expected = j < n ? w[(p * n) + j] : 0f;
                    Assert.Equal(expected, packed[GemmColumnPanels.Index(p, j, k)]);
                }
            }
        }
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void PackOutIn_EqualsPackInOutOfTheTranspose(bool parallel)
    {
        foreach ((int k, int n, float[] w, float[] wt) in Matrices(parallel))
        {
            float[] expected = new float[GemmColumnPanels.Length(k, n)];
            float[] packed = Filled(expected.Length, float.NaN);

            PackInOut(w, k, n, expected, parallel: false);
            PackOutIn(wt, n, k, packed, parallel);

            Assert.Equal(expected, packed);
        }
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void PackBFloat16_RoundsEveryValueOfTheFloat32Layout(bool parallel)
    {
        foreach ((int k, int n, float[] w, float[] wt) in Matrices(parallel))
        {
            float[] float32 = new float[GemmColumnPanels.Length(k, n)];
            PackInOut(w, k, n, float32, parallel: false);
            ushort[] expected = float32.Select(BFloat16.FromSingle).ToArray();

            Assert.Equal(expected, PackInOutBFloat16(w, k, n, parallel));
            Assert.Equal(expected, PackOutInBFloat16(wt, n, k, parallel));
        }
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void MultiplyColumnPanels_EqualsTheInOrderFusedSumsBitForBit_AndTheReference(bool withBias)
    {
        foreach (int m in new[] { 1, 3, 4, 5, 8, 13, 16 })
        {
            foreach (int k in new[] { 1, 7, 8, 127, 128, 129, 300 })
            {
                foreach (int n in new[] { 1, 2, 23, 24, 25, 130 })
                {
                    Check(m, n, k, withBias, threads: 1);
                }
            }
        }
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void MultiplyColumnPanels_OnSeveralThreads_EqualsOneThreadBitForBit(bool withBias)
    {
        // Large enough to split n across threads in several chunks, with a short last panel.
        Check(8, 3001, 301, withBias, threads: 2);
        Check(13, 1000, 768, withBias, threads: 2);
    }

    [Theory]
    [InlineData(false, 1)]
    [InlineData(true, 1)]
    [InlineData(true, 2)]
    public void MultiplyColumnPanels_OnBFloat16_EqualsTheFloat32ProductOfTheRoundedWeightBitForBit(bool withBias, int threads)
    {
        foreach (int m in new[] { 1, 4, 5, 8, 16 })
        {
            foreach ((int k, int n) in threads == 1
                ? new[] { 1, 8, 129, 257 }.SelectMany(k => new[] { 1, 23, 25, 130 }.Select(n => (k, n)))
                : [(301, 3001), (768, 1000)])
            {
                var rng = new Random(HashCode.Combine(m, n, k, withBias));
                float[] a = TestData.Uniform(rng, m * k, -1, 1);
                float[] w = TestData.Uniform(rng, k * n, -1, 1);
                float[] bias = withBias ? TestData.Uniform(rng, n, -1, 1) : [];
                float[] rounded = w.Select(v => BFloat16.ToSingle(BFloat16.FromSingle(v))).ToArray();
                float[] float32 = new float[GemmColumnPanels.Length(k, n)];
                PackInOut(rounded, k, n, float32, parallel: false);
                float[] expected = new float[m * n];
                Gemm.MultiplyColumnPanels(m, n, k, a, float32, bias, expected, 1);

                float[] c = TestData.Uniform(rng, m * n, -1, 1);
                Gemm.MultiplyColumnPanels(m, n, k, a, PackInOutBFloat16(w, k, n, parallel: false), bias, c, threads);

                Assert.Equal(expected, c);
            }
        }
    }

    [Fact]
    public void MultiplyColumnPanels_RejectsTooManyRowsAndShortBuffers_InBothPrecisions()
    {
        float[] a = new float[17 * 8];
        float[] packed = new float[24 * 8];
        ushort[] halves = new ushort[24 * 8];
        float[] c = new float[17 * 3];

        Assert.Throws<ArgumentOutOfRangeException>(() => Gemm.MultiplyColumnPanels(17, 3, 8, a, packed, default, c, 1));
        Assert.Throws<ArgumentException>(() => Gemm.MultiplyColumnPanels(2, 3, 8, a, packed.AsSpan(0, 191), default, c, 1));
        Assert.Throws<ArgumentException>(() => Gemm.MultiplyColumnPanels(2, 3, 8, a, packed, new float[2], c, 1));
        Assert.Throws<ArgumentException>(() => Gemm.MultiplyColumnPanels(2, 3, 8, a, packed, default, c.AsSpan(0, 5), 1));
        Assert.Throws<ArgumentOutOfRangeException>(() => Gemm.MultiplyColumnPanels(17, 3, 8, a, halves, default, c, 1));
        Assert.Throws<ArgumentException>(() => Gemm.MultiplyColumnPanels(2, 3, 8, a, halves.AsSpan(0, 191), default, c, 1));
        Assert.Throws<ArgumentException>(() => Gemm.MultiplyColumnPanels(2, 3, 8, a, halves, default, c.AsSpan(0, 5), 1));
    }

    // The panels product of A [m,k] and a random W [k,n] (x·W form) against the naive in-order sums (each C value from
    // zero, one fused multiply-add per product in order of k, then the bias: equal bit for bit), and against the
    // reference product in double.
    private static void Check(int m, int n, int k, bool withBias, int threads)
    {
        var rng = new Random(HashCode.Combine(m, n, k, withBias));
        float[] a = TestData.Uniform(rng, m * k, -1, 1);
        float[] w = TestData.Uniform(rng, k * n, -1, 1);
        float[] bias = withBias ? TestData.Uniform(rng, n, -1, 1) : [];
        float[] packed = new float[GemmColumnPanels.Length(k, n)];
        PackInOut(w, k, n, packed, parallel: false);

        float[] c = TestData.Uniform(rng, m * n, -1, 1);
        Gemm.MultiplyColumnPanels(m, n, k, a, packed, bias, c, threads);

        float[] inOrder = new float[m * n];
        for (int i = 0; i < m; i++)
        {
            for (int j = 0; j < n; j++)
            {
                float sum = 0f;
                for (int p = 0; p < k; p++)
                {
                    sum = MathF.FusedMultiplyAdd(a[(i * k) + p], w[(p * n) + j], sum);
                }

                inOrder[(i * n) + j] = withBias ? bias[j] + sum : sum;
            }
        }

        Assert.Equal(inOrder, c);
        float[] expected = new float[m * n];
        for (int i = 0; i < m; i++)
        {
            bias.CopyTo(expected, i * n);
        }

        GemmReference.Multiply(false, false, m, n, k, a, k, w, n, expected, n, accumulate: withBias);
        for (int i = 0; i < expected.Length; i++)
        {
            Assert.True(MathF.Abs(expected[i] - c[i]) <= 1e-4f * (1 + MathF.Abs(expected[i])), $"m={m} n={n} k={k}: C[{i}] = {c[i]}, expected {expected[i]}");
        }
    }

    private static float[] Filled(long length, float value)
    {
        float[] values = new float[length];
        Array.Fill(values, value);
        return values;
    }

    private static unsafe void PackInOut(float[] w, int k, int n, float[] packed, bool parallel)
    {
        fixed (float* source = w, destination = packed)
        {
            GemmColumnPanels.PackInOut(source, k, n, destination, parallel);
        }
    }

    private static unsafe void PackOutIn(float[] b, int n, int k, float[] packed, bool parallel)
    {
        fixed (float* source = b, destination = packed)
        {
            GemmColumnPanels.PackOutIn(source, n, k, destination, parallel);
        }
    }

    // Random W [k, n] and its transpose, for the packing tests: awkward small sizes, or sizes large enough to split.
    private static IEnumerable<(int K, int N, float[] W, float[] Wt)> Matrices(bool parallel)
    {
        foreach (int k in parallel ? [300, 1001] : Depths)
        {
            foreach (int n in parallel ? [1000, 97] : Widths)
            {
                float[] w = TestData.Uniform(new Random(HashCode.Combine(k, n)), k * n, -1, 1);
                float[] wt = new float[n * k];
                TransposeKernels.Transpose(w, k, n, wt);
                yield return (k, n, w, wt);
            }
        }
    }

    // W [k, n] (x·W form) into the bfloat16 layout; PackOutInBFloat16 the same from Wᵀ [n, k].
    private static unsafe ushort[] PackInOutBFloat16(float[] w, int k, int n, bool parallel) =>
        PackBFloat16(&GemmColumnPanels.PackInOutBFloat16, w, k, n, GemmColumnPanels.Length(k, n), parallel);

    private static unsafe ushort[] PackOutInBFloat16(float[] b, int n, int k, bool parallel) =>
        PackBFloat16(&GemmColumnPanels.PackOutInBFloat16, b, n, k, GemmColumnPanels.Length(k, n), parallel);

    // Runs one of the two packers (source, its two dimensions in the packer's order) into a buffer of 0xFFFF values.
    private static unsafe ushort[] PackBFloat16(delegate*<float*, int, int, ushort*, bool, void> pack, float[] values, int first, int second, long length, bool parallel)
    {
        ushort[] packed = new ushort[length];
        Array.Fill(packed, (ushort)0xFFFF);
        fixed (float* source = values)
        fixed (ushort* destination = packed)
        {
            pack(source, first, second, destination, parallel);
        }

        return packed;
    }
}
