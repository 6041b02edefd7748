using System.Buffers;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace Alignment.Kernels;

internal static partial class AttentionKernels
{
    // dOutput, q, dq: [B, H, Tq, D]; k, v, dk, dv: [B, H, S, D]; att: [B, H, Tq, S]
    /// <summary>
    /// Gradients of <see cref="Forward"/> from the saved probabilities; dq, dk and dv accumulate (+=).
    /// Masked keys have probability 0 and are skipped. Work is split over (batch, head) pairs, so each
    /// pair's dk/dv sums run in a fixed order on one thread. Per pair the score gradients are kept
    /// transposed ([S, Tq] scratch) so that dk_j and dv_j are register-blocked weighted row sums.
    /// </summary>
    public static void Backward(ReadOnlySpan<float> dOutput, ReadOnlySpan<float> q, ReadOnlySpan<float> k, ReadOnlySpan<float> v, ReadOnlySpan<float> att,
        Span<float> dq, Span<float> dk, Span<float> dv, int batch, int heads, int queryLength, int keyLength, int headDim, float scale)
    {
        var shape = AttentionShape.Create(batch, heads, queryLength, keyLength, headDim);
        KernelGuard.Length(dOutput.Length, shape.QueryElements, nameof(dOutput));
        KernelGuard.Length(q.Length, shape.QueryElements, nameof(q));
        KernelGuard.Length(k.Length, shape.KeyElements, nameof(k));
        KernelGuard.Length(v.Length, shape.KeyElements, nameof(v));
        KernelGuard.Length(att.Length, shape.ScoreElements, nameof(att));
        KernelGuard.Length(dq.Length, shape.QueryElements, nameof(dq));
        KernelGuard.Length(dk.Length, shape.KeyElements, nameof(dk));
        KernelGuard.Length(dv.Length, shape.KeyElements, nameof(dv));
        if (shape.ScoreElements == 0 || headDim == 0)
        {
            return;
        }

        int chunks = KernelParallel.ChunkCount(shape.Pairs, 4 * shape.Work);
        if (chunks == 1)
        {
            BackwardPairs(dOutput, q, k, v, att, dq, dk, dv, shape, scale, 0, shape.Pairs);
        }
        else
        {
            BackwardParallel(dOutput, q, k, v, att, dq, dk, dv, shape, scale, chunks);
        }
    }

    // Query rows whose score gradients are staged row-major before being transposed together.
    private const int QueryBlock = 8;

    // dOutput, q, dq: [B, H, Tq, D]; k, v, dk, dv: [B, H, S, D]; att: [B, H, Tq, S]
    private static void BackwardPairs(ReadOnlySpan<float> dOutput, ReadOnlySpan<float> q, ReadOnlySpan<float> k, ReadOnlySpan<float> v, ReadOnlySpan<float> att,
        Span<float> dq, Span<float> dk, Span<float> dv, AttentionShape shape, float scale, int start, int end)
    {
        int d = shape.HeadDim;
        int s = shape.KeyLength;
        int tq = shape.QueryLength;
        int square = s * tq;
        float[] scratch = ArrayPool<float>.Shared.Rent(Math.Max(1, (2 * square) + (QueryBlock * s)));
        try
        {
            // dsT, pT: [S, Tq] transposed score gradients and probabilities; block: [QueryBlock, S]
            Span<float> dsT = scratch.AsSpan(0, square);
            Span<float> pT = scratch.AsSpan(square, square);
            Span<float> block = scratch.AsSpan(2 * square, QueryBlock * s);
            for (int pair = start; pair < end; pair++)
            {
                ReadOnlySpan<float> qPair = q.Slice(pair * tq * d, tq * d);
                ReadOnlySpan<float> dOutPair = dOutput.Slice(pair * tq * d, tq * d);
                ReadOnlySpan<float> kPair = k.Slice(pair * s * d, s * d);
                ReadOnlySpan<float> vPair = v.Slice(pair * s * d, s * d);
                ReadOnlySpan<float> attPair = att.Slice(pair * square, square);
                Span<float> dqPair = dq.Slice(pair * tq * d, tq * d);
                for (int i0 = 0; i0 < tq; i0 += QueryBlock)
                {
                    int rowsInBlock = Math.Min(QueryBlock, tq - i0);
                    for (int r = 0; r < rowsInBlock; r++)
                    {
                        int i = i0 + r;
                        BackwardQueryRow(dOutPair.Slice(i * d, d), attPair.Slice(i * s, s), kPair, vPair, dqPair.Slice(i * d, d), block.Slice(r * s, s), scale);
                    }

                    TransposeBlock(block[..(rowsInBlock * s)], dsT, s, i0, tq);
                    TransposeBlock(attPair.Slice(i0 * s, rowsInBlock * s), pT, s, i0, tq);
                }

                Span<float> dkPair = dk.Slice(pair * s * d, s * d);
                Span<float> dvPair = dv.Slice(pair * s * d, s * d);
                for (int j = 0; j < s; j++)
                {
                    GemvOps.AccumulateRows(dsT.Slice(j * tq, tq), qPair, dkPair.Slice(j * d, d));
                    GemvOps.AccumulateRows(pT.Slice(j * tq, tq), dOutPair, dvPair.Slice(j * d, d));
                }
            }
        }
        finally
        {
            ArrayPool<float>.Shared.Return(scratch);
        }
    }

    // dOut, dqi: [D]; p, ds: [S]; kPair, vPair: [S, D]
    // ds_j = scale * p_j * (dOut . v_j - sum_l p_l dOut . v_l) (0 past the last visible key); dqi += sum_j ds_j k_j.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void BackwardQueryRow(ReadOnlySpan<float> dOut, ReadOnlySpan<float> p, ReadOnlySpan<float> kPair, ReadOnlySpan<float> vPair,
        Span<float> dqi, Span<float> ds, float scale)
    {
        int used = p.Length;
        while (used > 0 && p[used - 1] == 0f)
        {
            used--;
        }

        ds[used..].Clear();
        Span<float> live = ds[..used];
        ReadOnlySpan<float> pLive = p[..used];
        GemvOps.DotRows(dOut, vPair, live, 1f);
        float mean = (float)RowOps.Dot(pLive, live);
        ScoreGradient(pLive, live, mean, scale);
        GemvOps.AccumulateRows(live, kPair, dqi);
    }

    // p, dp: [n]; dp is overwritten with scale * p * (dp - mean).
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void ScoreGradient(ReadOnlySpan<float> p, Span<float> dp, float mean, float scale)
    {
        int j = 0;
        if (Vector256.IsHardwareAccelerated && p.Length >= Vector256<float>.Count)
        {
            ref float pr = ref MemoryMarshal.GetReference(p);
            ref float dr = ref MemoryMarshal.GetReference(dp);
            Vector256<float> m = Vector256.Create(mean);
            Vector256<float> sc = Vector256.Create(scale);
            for (; j <= p.Length - Vector256<float>.Count; j += Vector256<float>.Count)
            {
                Vector256<float> g = Vector256.LoadUnsafe(ref dr, (nuint)j) - m;
                (sc * Vector256.LoadUnsafe(ref pr, (nuint)j) * g).StoreUnsafe(ref dr, (nuint)j);
            }
        }

        for (; j < p.Length; j++)
        {
            dp[j] = scale * p[j] * (dp[j] - mean);
        }
    }

    // source: [rowsInBlock, S] row-major; target: [S, Tq]; writes target[j, i0 + r] = source[r, j].
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void TransposeBlock(ReadOnlySpan<float> source, Span<float> target, int s, int i0, int tq)
    {
        int rowsInBlock = source.Length / s;
        for (int j = 0; j < s; j++)
        {
            Span<float> column = target.Slice((j * tq) + i0, rowsInBlock);
            for (int r = 0; r < rowsInBlock; r++)
            {
                column[r] = source[(r * s) + j];
            }
        }
    }

    private static unsafe void BackwardParallel(ReadOnlySpan<float> dOutput, ReadOnlySpan<float> q, ReadOnlySpan<float> k, ReadOnlySpan<float> v, ReadOnlySpan<float> att,
        Span<float> dq, Span<float> dk, Span<float> dv, AttentionShape shape, float scale, int chunks)
    {
        fixed (float* pdo = dOutput, pq = q, pk = k, pv = v, pa = att, pdq = dq, pdk = dk, pdv = dv)
        {
            var bdo = new PinnedBuffer<float>(pdo, dOutput.Length);
            var bq = new PinnedBuffer<float>(pq, q.Length);
            var bk = new PinnedBuffer<float>(pk, k.Length);
            var bv = new PinnedBuffer<float>(pv, v.Length);
            var ba = new PinnedBuffer<float>(pa, att.Length);
            var bdq = new PinnedBuffer<float>(pdq, dq.Length);
            var bdk = new PinnedBuffer<float>(pdk, dk.Length);
            var bdv = new PinnedBuffer<float>(pdv, dv.Length);
            KernelParallel.For(shape.Pairs, chunks, (s, e) => BackwardPairs(
                bdo.ReadOnlySpan, bq.ReadOnlySpan, bk.ReadOnlySpan, bv.ReadOnlySpan, ba.ReadOnlySpan,
                bdq.Span, bdk.Span, bdv.Span, shape, scale, s, e));
        }
    }
}
