using System.Buffers;
using System.Numerics.Tensors;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace Alignment.Kernels;

internal static partial class LayerNormKernels
{
    // dy, x, dx: [rows, cols]; gamma, dgamma, dbeta: [cols]; mean, rstd: [rows]
    /// <summary>
    /// dx, dgamma and dbeta accumulate (+=). Rows are split into a number of chunks that depends only
    /// on the shape; each chunk sums its dgamma/dbeta partials separately and the partials are then added
    /// in chunk order, so the result is identical on every run and machine.
    /// </summary>
    public static void Backward(ReadOnlySpan<float> dy, ReadOnlySpan<float> x, ReadOnlySpan<float> gamma, ReadOnlySpan<float> mean, ReadOnlySpan<float> rstd, Span<float> dx, Span<float> dgamma, Span<float> dbeta, int rows, int cols, bool accumulateDx = true)
    {
        long n = CheckShape(rows, cols);
        KernelGuard.Length(dy.Length, n, nameof(dy));
        KernelGuard.Length(x.Length, n, nameof(x));
        KernelGuard.Length(gamma.Length, cols, nameof(gamma));
        KernelGuard.Length(mean.Length, rows, nameof(mean));
        KernelGuard.Length(rstd.Length, rows, nameof(rstd));
        KernelGuard.Length(dx.Length, n, nameof(dx));
        KernelGuard.Length(dgamma.Length, cols, nameof(dgamma));
        KernelGuard.Length(dbeta.Length, cols, nameof(dbeta));
        if (rows == 0)
        {
            return;
        }

        int chunks = KernelParallel.DeterministicChunkCount(rows, n);
        int partialLength = chunks * cols;
        float[] partials = ArrayPool<float>.Shared.Rent(2 * partialLength);
        try
        {
            // partials: [2, chunks, cols] (dgamma partials, then dbeta partials)
            Span<float> all = partials.AsSpan(0, 2 * partialLength);
            all.Clear();
            if (chunks == 1)
            {
                BackwardRows(dy, x, gamma, mean, rstd, dx, all[..cols], all.Slice(partialLength, cols), cols, accumulateDx, 0, rows);
            }
            else
            {
                BackwardParallel(dy, x, gamma, mean, rstd, dx, partials, rows, cols, accumulateDx, chunks);
            }

            for (int c = 0; c < chunks; c++)
            {
                TensorPrimitives.Add(dgamma, all.Slice(c * cols, cols), dgamma);
                TensorPrimitives.Add(dbeta, all.Slice(partialLength + (c * cols), cols), dbeta);
            }
        }
        finally
        {
            ArrayPool<float>.Shared.Return(partials);
        }
    }

    // dy, x, dx: [rows, cols]; gamma, pgamma, pbeta: [cols]; mean, rstd: [rows]
    private static void BackwardRows(ReadOnlySpan<float> dy, ReadOnlySpan<float> x, ReadOnlySpan<float> gamma, ReadOnlySpan<float> mean, ReadOnlySpan<float> rstd, Span<float> dx, Span<float> pgamma, Span<float> pbeta, int cols, bool accumulateDx, int start, int end)
    {
        for (int r = start; r < end; r++)
        {
            ReadOnlySpan<float> dyr = dy.Slice(r * cols, cols);
            ReadOnlySpan<float> xr = x.Slice(r * cols, cols);
            float mu = mean[r];
            float rs = rstd[r];
            double sumDn = ReduceRow(dyr, xr, gamma, pgamma, pbeta, mu, rs, out double sumDnXhat);
            ApplyRow(dyr, xr, gamma, dx.Slice(r * cols, cols), mu, rs, (float)(sumDn / cols), (float)(sumDnXhat / cols), accumulateDx);
        }
    }

    // dy, x, gamma, pgamma, pbeta: [cols]
    // Returns sum(dy*gamma) and sets sumDnXhat = sum(dy*gamma*xhat); adds dy*xhat to pgamma and dy to pbeta.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static double ReduceRow(ReadOnlySpan<float> dy, ReadOnlySpan<float> x, ReadOnlySpan<float> gamma, Span<float> pgamma, Span<float> pbeta, float mu, float rs, out double sumDnXhat)
    {
        int i = 0;
        double s1 = 0, s2 = 0;
        int cols = x.Length;
        if (Vector256.IsHardwareAccelerated && cols >= Vector256<float>.Count)
        {
            ref float dyp = ref MemoryMarshal.GetReference(dy);
            ref float xp = ref MemoryMarshal.GetReference(x);
            ref float gp = ref MemoryMarshal.GetReference(gamma);
            ref float pgp = ref MemoryMarshal.GetReference(pgamma);
            ref float pbp = ref MemoryMarshal.GetReference(pbeta);
            Vector256<float> m = Vector256.Create(mu);
            Vector256<float> s = Vector256.Create(rs);
            Vector256<double> a0 = Vector256<double>.Zero, a1 = Vector256<double>.Zero;
            Vector256<double> b0 = Vector256<double>.Zero, b1 = Vector256<double>.Zero;
            for (; i <= cols - Vector256<float>.Count; i += Vector256<float>.Count)
            {
                Vector256<float> g = Vector256.LoadUnsafe(ref dyp, (nuint)i);
                Vector256<float> xhat = (Vector256.LoadUnsafe(ref xp, (nuint)i) - m) * s;
                Vector256<float> dn = g * Vector256.LoadUnsafe(ref gp, (nuint)i);
                (Vector256<double> lo, Vector256<double> hi) = Vector256.Widen(dn);
                a0 += lo;
                a1 += hi;
                (lo, hi) = Vector256.Widen(dn * xhat);
                b0 += lo;
                b1 += hi;
                Vector256.FusedMultiplyAdd(g, xhat, Vector256.LoadUnsafe(ref pgp, (nuint)i)).StoreUnsafe(ref pgp, (nuint)i);
                (Vector256.LoadUnsafe(ref pbp, (nuint)i) + g).StoreUnsafe(ref pbp, (nuint)i);
            }

            s1 = Vector256.Sum(a0 + a1);
            s2 = Vector256.Sum(b0 + b1);
        }

        for (; i < cols; i++)
        {
            float xhat = (x[i] - mu) * rs;
            float dn = dy[i] * gamma[i];
            s1 += dn;
            s2 += dn * xhat;
            pgamma[i] += dy[i] * xhat;
            pbeta[i] += dy[i];
        }

        sumDnXhat = s2;
        return s1;
    }

    // dy, x, gamma, dx: [cols]
    // dx += (dn - mean(dn) - xhat * mean(dn * xhat)) * rstd with dn = dy * gamma (dx = ... without accumulate).
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void ApplyRow(ReadOnlySpan<float> dy, ReadOnlySpan<float> x, ReadOnlySpan<float> gamma, Span<float> dx, float mu, float rs, float meanDn, float meanDnXhat, bool accumulate)
    {
        int i = 0;
        int cols = x.Length;
        if (Vector256.IsHardwareAccelerated && cols >= Vector256<float>.Count)
        {
            ref float dyp = ref MemoryMarshal.GetReference(dy);
            ref float xp = ref MemoryMarshal.GetReference(x);
            ref float gp = ref MemoryMarshal.GetReference(gamma);
            ref float dxp = ref MemoryMarshal.GetReference(dx);
            Vector256<float> m = Vector256.Create(mu);
            Vector256<float> s = Vector256.Create(rs);
            Vector256<float> m1 = Vector256.Create(meanDn);
            Vector256<float> negM2 = Vector256.Create(-meanDnXhat);
            for (; i <= cols - Vector256<float>.Count; i += Vector256<float>.Count)
            {
                Vector256<float> xhat = (Vector256.LoadUnsafe(ref xp, (nuint)i) - m) * s;
                Vector256<float> dn = Vector256.LoadUnsafe(ref dyp, (nuint)i) * Vector256.LoadUnsafe(ref gp, (nuint)i);
                Vector256<float> t = Vector256.FusedMultiplyAdd(xhat, negM2, dn - m1);
                Vector256<float> prior = accumulate ? Vector256.LoadUnsafe(ref dxp, (nuint)i) : Vector256<float>.Zero;
                Vector256.FusedMultiplyAdd(t, s, prior).StoreUnsafe(ref dxp, (nuint)i);
            }
        }

        for (; i < cols; i++)
        {
            float xhat = (x[i] - mu) * rs;
            float dn = dy[i] * gamma[i];
            dx[i] = (accumulate ? dx[i] : 0f) + ((dn - meanDn - (xhat * meanDnXhat)) * rs);
        }
    }

    // partials: [2, chunks, cols]
    private static unsafe void BackwardParallel(ReadOnlySpan<float> dy, ReadOnlySpan<float> x, ReadOnlySpan<float> gamma, ReadOnlySpan<float> mean, ReadOnlySpan<float> rstd, Span<float> dx, float[] partials, int rows, int cols, bool accumulateDx, int chunks)
    {
        int partialLength = chunks * cols;
        fixed (float* pdy = dy, px = x, pg = gamma, pm = mean, pr = rstd, pdx = dx)
        {
            var bdy = new PinnedBuffer<float>(pdy, dy.Length);
            var bx = new PinnedBuffer<float>(px, x.Length);
            var bg = new PinnedBuffer<float>(pg, gamma.Length);
            var bm = new PinnedBuffer<float>(pm, mean.Length);
            var br = new PinnedBuffer<float>(pr, rstd.Length);
            var bdx = new PinnedBuffer<float>(pdx, dx.Length);
            WorkerTeam.Shared.For(chunks, c => BackwardRows(
                bdy.ReadOnlySpan, bx.ReadOnlySpan, bg.ReadOnlySpan, bm.ReadOnlySpan, br.ReadOnlySpan, bdx.Span,
                partials.AsSpan(c * cols, cols), partials.AsSpan(partialLength + (c * cols), cols), cols, accumulateDx,
                KernelParallel.ChunkStart(rows, chunks, c), KernelParallel.ChunkStart(rows, chunks, c + 1)));
        }
    }
}
