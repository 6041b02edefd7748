using Alignment.IO;
using Alignment.Kernels;
using Alignment.Tests.Kernels.Reference;

namespace Alignment.Tests.Kernels;

public class GemmRowTriplesTests
{
    private static readonly int[] Depths = [1, 7, 8, 9, 33, 257];
    private static readonly int[] Widths = [1, 2, 3, 4, 7, 8, 33, 50];

    [Fact]
    public void PaddedLength_RoundsUpToWholeSegments()
    {
        Assert.Equal([0, 8, 8, 8, 16, 40], new[] { 0, 1, 7, 8, 9, 33 }.Select(GemmRowTriples.PaddedLength));
    }

    [Fact]
    public void Index_IsTheDocumentedLayout_AndFillsTheBufferExactlyOnce()
    {
        foreach (int k in Depths)
        {
            foreach (int n in Widths)
            {
                int kp = GemmRowTriples.PaddedLength(k);
                var seen = new bool[n * kp];
                for (int j = 0; j < n; j++)
                {
                    for (int p = 0; p < kp; p++)
                    {
                        // Written out from the layout's definition: triples interleaved by segments of 8, the last
                        // n mod 3 rows plain.
                        long expected = j < n - (n % 3)
                            ? ((j / 3) * 3L * kp) + (24 * (p / 8)) + (8 * (j % 3)) + (p % 8)
                            : ((long)j * kp) + p;
                        long index = GemmRowTriples.Index(j, p, n, kp);
                        Assert.Equal(expected, index);
                        Assert.False(seen[index], $"k={k} n={n}: index {index} taken twice");
                        seen[index] = true;
                    }
                }

                Assert.All(seen, Assert.True);
            }
        }
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void PackTransposed_PutsEveryValueAtItsIndex_AndZerosThePadding(bool parallel)
    {
        foreach ((int k, int n, float[] w, _) in Matrices(parallel))
        {
            int kp = GemmRowTriples.PaddedLength(k);
            float[] packed = new float[n * kp];
            Array.Fill(packed, float.NaN);

            Pack(w, k, n, packed, parallel);

            for (int j = 0; j < n; j++)
            {
                for (int p = 0; p < kp; p++)
                {
                    float expected = p < k ? w[(p * n) + j] : 0f;
                    Assert.Equal(expected, packed[GemmRowTriples.Index(j, p, n, kp)]);
                }
            }
        }
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void PackRows_EqualsPackTransposedOfTheTranspose(bool parallel)
    {
        foreach ((int k, int n, float[] w, float[] wt) in Matrices(parallel))
        {
            float[] expected = new float[n * GemmRowTriples.PaddedLength(k)];
            float[] packed = new float[expected.Length];
            Array.Fill(packed, float.NaN);

            Pack(w, k, n, expected, parallel: false);
            PackRows(wt, n, k, packed, parallel);

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
            float[] float32 = new float[n * GemmRowTriples.PaddedLength(k)];
            Pack(w, k, n, float32, parallel: false);
            ushort[] expected = float32.Select(BFloat16.FromSingle).ToArray();

            Assert.Equal(expected, PackBFloat16(w, k, n, parallel));
            Assert.Equal(expected, PackRowsBFloat16(wt, n, k, parallel));
        }
    }

    [Theory]
    [InlineData(false, 1)]
    [InlineData(true, 1)]
    [InlineData(true, 2)]
    public void MultiplyRowTriples_OnBFloat16_EqualsTheFloat32ProductOfTheRoundedWeightBitForBit(bool withBias, int threads)
    {
        foreach (int m in new[] { 1, 3, 4, 5, 8, 13, 16 })
        {
            foreach ((int k, int n) in threads == 1
                ? new[] { 1, 7, 8, 33, 257 }.SelectMany(k => new[] { 1, 2, 3, 4, 7, 33, 130 }.Select(n => (k, n)))
                : [(301, 3001), (768, 1000)])
            {
                var rng = new Random(HashCode.Combine(m, n, k, withBias));
                float[] a = TestData.Uniform(rng, m * k, -1, 1);
                float[] w = TestData.Uniform(rng, k * n, -1, 1);
                float[] bias = withBias ? TestData.Uniform(rng, n, -1, 1) : [];
                float[] rounded = w.Select(v => BFloat16.ToSingle(BFloat16.FromSingle(v))).ToArray();
                float[] float32 = new float[n * GemmRowTriples.PaddedLength(k)];
                Pack(rounded, k, n, float32, parallel: false);
                float[] expected = new float[m * n];
                Gemm.MultiplyRowTriples(m, n, k, a, float32, bias, expected, 1);

                float[] c = TestData.Uniform(rng, m * n, -1, 1);
                Gemm.MultiplyRowTriples(m, n, k, a, PackBFloat16(w, k, n, parallel: false), bias, c, threads);

                Assert.Equal(expected, c);
            }
        }
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void MultiplyRowTriples_EqualsThePlainTransposedProductBitForBit_AndTheReference(bool withBias)
    {
        foreach (int m in new[] { 1, 3, 4, 5, 8, 13, 16 })
        {
            foreach (int k in new[] { 1, 7, 8, 33, 257 })
            {
                foreach (int n in new[] { 1, 2, 3, 4, 7, 33, 130 })
                {
                    Check(m, n, k, withBias, threads: 1);
                }
            }
        }
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void MultiplyRowTriples_OnSeveralThreads_EqualsOneThreadBitForBit(bool withBias)
    {
        // Large enough to split n across threads in several chunks, with a short last triple and a partial segment.
        Check(8, 3001, 301, withBias, threads: 2);
        Check(13, 1000, 768, withBias, threads: 2);
    }

    [Fact]
    public void MultiplyRowTriples_RejectsTooManyRowsAndShortBuffers_InBothPrecisions()
    {
        float[] a = new float[17 * 8];
        float[] packed = new float[3 * 8];
        ushort[] halves = new ushort[3 * 8];
        float[] c = new float[17 * 3];

        Assert.Throws<ArgumentOutOfRangeException>(() => Gemm.MultiplyRowTriples(17, 3, 8, a, packed, default, c, 1));
        Assert.Throws<ArgumentException>(() => Gemm.MultiplyRowTriples(2, 3, 8, a, packed.AsSpan(0, 23), default, c, 1));
        Assert.Throws<ArgumentException>(() => Gemm.MultiplyRowTriples(2, 3, 8, a, packed, new float[2], c, 1));
        Assert.Throws<ArgumentException>(() => Gemm.MultiplyRowTriples(2, 3, 8, a, packed, default, c.AsSpan(0, 5), 1));
        Assert.Throws<ArgumentOutOfRangeException>(() => Gemm.MultiplyRowTriples(17, 3, 8, a, halves, default, c, 1));
        Assert.Throws<ArgumentException>(() => Gemm.MultiplyRowTriples(2, 3, 8, a, halves.AsSpan(0, 23), default, c, 1));
        Assert.Throws<ArgumentException>(() => Gemm.MultiplyRowTriples(2, 3, 8, a, halves, default, c.AsSpan(0, 5), 1));
    }

    // The row-triples product of A [m,k] and a random W [k,n] (x·W form) against the plain NT product with Wᵀ
    // (the same sums in the same order: equal bit for bit), against one thread, and against the naive reference.
    private static void Check(int m, int n, int k, bool withBias, int threads)
    {
        var rng = new Random(HashCode.Combine(m, n, k, withBias));
        float[] a = TestData.Uniform(rng, m * k, -1, 1);
        float[] w = TestData.Uniform(rng, k * n, -1, 1);
        float[] bias = withBias ? TestData.Uniform(rng, n, -1, 1) : [];
        float[] wt = new float[n * k];
        TransposeKernels.Transpose(w, k, n, wt);
        int kp = GemmRowTriples.PaddedLength(k);
        float[] packed = new float[n * kp];
        Pack(w, k, n, packed, parallel: false);

        float[] c = TestData.Uniform(rng, m * n, -1, 1);
        Gemm.MultiplyRowTriples(m, n, k, a, packed, bias, c, threads);

        float[] plain = TestData.Uniform(rng, m * n, -1, 1);
        if (withBias)
        {
            Gemm.MultiplyWithBias(false, true, m, n, k, a, k, wt, k, bias, plain, n, Gemm.DefaultBackend, 1);
        }
        else
        {
            Gemm.Multiply(false, true, m, n, k, a, k, wt, k, plain, n, accumulate: false, Gemm.DefaultBackend, 1);
        }

        Assert.Equal(plain, c);
        float[] expected = new float[m * n];
        for (int i = 0; i < m; i++)
        {
            bias.CopyTo(expected, i * n);
        }

        GemmReference.Multiply(false, true, m, n, k, a, k, wt, k, expected, n, accumulate: withBias);
        for (int i = 0; i < expected.Length; i++)
        {
            Assert.True(MathF.Abs(expected[i] - c[i]) <= 1e-4f * (1 + MathF.Abs(expected[i])), $"m={m} n={n} k={k}: C[{i}] = {c[i]}, expected {expected[i]}");
        }
    }

    private static unsafe void Pack(float[] w, int k, int n, float[] packed, bool parallel)
    {
        fixed (float* source = w, destination = packed)
        {
            GemmRowTriples.PackTransposed(source, k, n, destination, parallel);
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

    private static unsafe void PackRows(float[] b, int n, int k, float[] packed, bool parallel)
    {
        fixed (float* source = b, destination = packed)
        {
            GemmRowTriples.PackRows(source, n, k, destination, parallel);
        }
    }

    // W [k, n] (x·W form) into the bfloat16 layout; PackRowsBFloat16 the same from Wᵀ [n, k].
    private static unsafe ushort[] PackBFloat16(float[] w, int k, int n, bool parallel) =>
        PackBFloat16(&GemmRowTriples.PackTransposedBFloat16, w, k, n, n * GemmRowTriples.PaddedLength(k), parallel);

    private static unsafe ushort[] PackRowsBFloat16(float[] b, int n, int k, bool parallel) =>
        PackBFloat16(&GemmRowTriples.PackRowsBFloat16, b, n, k, n * GemmRowTriples.PaddedLength(k), parallel);

    // Runs one of the two packers (source, its two dimensions in the packer's order) into a buffer of 0xFFFF values.
    private static unsafe ushort[] PackBFloat16(delegate*<float*, int, int, ushort*, bool, void> pack, float[] values, int first, int second, int length, bool parallel)
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
