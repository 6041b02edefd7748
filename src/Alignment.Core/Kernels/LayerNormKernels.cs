using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace Alignment.Kernels;

/// <summary>Layer normalisation over the last dimension with affine gamma/beta (biased variance, as PyTorch).</summary>
internal static partial class LayerNormKernels
{
    // x, y: [rows, cols]; gamma, beta: [cols]; mean, rstd: [rows]
    /// <summary>y = (x - mean) * rstd * gamma + beta; mean and rstd = 1/sqrt(var + eps) are saved per row.</summary>
    public static void Forward(ReadOnlySpan<float> x, ReadOnlySpan<float> gamma, ReadOnlySpan<float> beta, Span<float> y, Span<float> mean, Span<float> rstd, int rows, int cols, float eps)
    {
        long n = CheckShape(rows, cols);
        KernelGuard.Length(x.Length, n, nameof(x));
        KernelGuard.Length(gamma.Length, cols, nameof(gamma));
        KernelGuard.Length(beta.Length, cols, nameof(beta));
        KernelGuard.Length(y.Length, n, nameof(y));
        KernelGuard.Length(mean.Length, rows, nameof(mean));
        KernelGuard.Length(rstd.Length, rows, nameof(rstd));
        int chunks = KernelParallel.ChunkCount(rows, n);
        if (chunks == 1)
        {
            ForwardRows(x, gamma, beta, y, mean, rstd, cols, eps, 0, rows);
        }
        else
        {
            ForwardParallel(x, gamma, beta, y, mean, rstd, rows, cols, eps, chunks);
        }
    }

    private static long CheckShape(int rows, int cols)
    {
        KernelGuard.NonNegative(rows, nameof(rows));
        KernelGuard.Positive(cols, nameof(cols));
        return KernelGuard.Product(rows, cols);
    }

    // x, y: [rows, cols]; gamma, beta: [cols]; mean, rstd: [rows]
    private static void ForwardRows(ReadOnlySpan<float> x, ReadOnlySpan<float> gamma, ReadOnlySpan<float> beta, Span<float> y, Span<float> mean, Span<float> rstd, int cols, float eps, int start, int end)
    {
        for (int r = start; r < end; r++)
        {
            ReadOnlySpan<float> xr = x.Slice(r * cols, cols);
            float mu = (float)(RowOps.Sum(xr) / cols);
            double variance = SumSquaredDeviation(xr, mu) / cols;
            float rs = (float)(1.0 / Math.Sqrt(variance + eps));
            mean[r] = mu;
            rstd[r] = rs;
            NormalizeRow(xr, gamma, beta, y.Slice(r * cols, cols), mu, rs);
        }
    }

    // x: [cols]
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static double SumSquaredDeviation(ReadOnlySpan<float> x, float mu)
    {
        int i = 0;
        double sum = 0;
        if (Vector256.IsHardwareAccelerated && x.Length >= Vector256<float>.Count)
        {
            ref float xp = ref MemoryMarshal.GetReference(x);
            Vector256<float> m = Vector256.Create(mu);
            Vector256<double> a0 = Vector256<double>.Zero, a1 = Vector256<double>.Zero;
            for (; i <= x.Length - Vector256<float>.Count; i += Vector256<float>.Count)
            {
                Vector256<float> d = Vector256.LoadUnsafe(ref xp, (nuint)i) - m;
                (Vector256<double> lo, Vector256<double> hi) = Vector256.Widen(d * d);
                a0 += lo;
                a1 += hi;
            }

            sum = Vector256.Sum(a0 + a1);
        }

        for (; i < x.Length; i++)
        {
            float d = x[i] - mu;
            sum += d * d;
        }

        return sum;
    }

    // x, y: [cols]; gamma, beta: [cols]
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void NormalizeRow(ReadOnlySpan<float> x, ReadOnlySpan<float> gamma, ReadOnlySpan<float> beta, Span<float> y, float mu, float rs)
    {
        int i = 0;
        if (Vector256.IsHardwareAccelerated && x.Length >= Vector256<float>.Count)
        {
            ref float xp = ref MemoryMarshal.GetReference(x);
            ref float gp = ref MemoryMarshal.GetReference(gamma);
            ref float bp = ref MemoryMarshal.GetReference(beta);
            ref float yp = ref MemoryMarshal.GetReference(y);
            Vector256<float> m = Vector256.Create(mu);
            Vector256<float> s = Vector256.Create(rs);
            for (; i <= x.Length - Vector256<float>.Count; i += Vector256<float>.Count)
            {
                Vector256<float> xhat = (Vector256.LoadUnsafe(ref xp, (nuint)i) - m) * s;
                Vector256.FusedMultiplyAdd(xhat, Vector256.LoadUnsafe(ref gp, (nuint)i), Vector256.LoadUnsafe(ref bp, (nuint)i))
                    .StoreUnsafe(ref yp, (nuint)i);
            }
        }

        for (; i < x.Length; i++)
        {
            y[i] = ((x[i] - mu) * rs * gamma[i]) + beta[i];
        }
    }

    private static unsafe void ForwardParallel(ReadOnlySpan<float> x, ReadOnlySpan<float> gamma, ReadOnlySpan<float> beta, Span<float> y, Span<float> mean, Span<float> rstd, int rows, int cols, float eps, int chunks)
    {
        fixed (float* px = x, pg = gamma, pb = beta, py = y, pm = mean, pr = rstd)
        {
            var bx = new PinnedBuffer<float>(px, x.Length);
            var bg = new PinnedBuffer<float>(pg, gamma.Length);
            var bb = new PinnedBuffer<float>(pb, beta.Length);
            var by = new PinnedBuffer<float>(py, y.Length);
            var bm = new PinnedBuffer<float>(pm, mean.Length);
            var br = new PinnedBuffer<float>(pr, rstd.Length);
            KernelParallel.For(rows, chunks, (s, e) =>
                ForwardRows(bx.ReadOnlySpan, bg.ReadOnlySpan, bb.ReadOnlySpan, by.Span, bm.Span, br.Span, cols, eps, s, e));
        }
    }
}
