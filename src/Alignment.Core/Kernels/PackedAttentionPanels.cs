using System.Buffers;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Alignment.Kernels;

/// <summary>
/// The vector path of <see cref="PackedAttentionKernels"/>: one (batch, head) pair at a time, its q, k and v (and in
/// the backward pass dO, dS and P) are packed once into the micro-kernel's panel layouts (<see cref="GemmPacking"/>),
/// and every product runs <typeparamref name="TKernel"/> straight on them over the causal triangle: a panel of MR
/// queries meets only the key panels at or before its last query, and a panel of MR keys only the queries at or after
/// its first key. Each output element is one in-order sum over the head dimension or over the keys (queries) that can
/// meet, as in a single-pass GEMM, so no per-call packing, blocking or query blocks are left.
/// </summary>
/// <typeparam name="TKernel">The micro-kernel.</typeparam>
internal static unsafe class PackedAttentionPanels<TKernel>
    where TKernel : struct, IGemmMicroKernel
{
    /// <summary>
    /// Forward pass of pairs [start, end): probabilities into att (each row whole: the causal triangle, 0 above it)
    /// and outputs into output; see <see cref="PackedAttentionKernels"/> for the layouts.
    /// </summary>
    public static void ForwardPairs(ReadOnlySpan<float> qkv, ReadOnlySpan<float> keyMask, Span<float> output, Span<float> att,
        AttentionShape shape, float scale, int start, int end)
    {
        int t = shape.QueryLength;
        int d = shape.HeadDim;
        int c = shape.Heads * d;
        int ld = 3 * c;
        int mr = TKernel.MR;
        int nr = TKernel.NR;
        int rowPanels = Panels(t, mr);
        int keyPanels = Panels(t, nr);
        int headPanels = Panels(d, nr);
        nint qStride = GemmPacking.PanelStride(mr, d);
        nint kStride = GemmPacking.PanelStride(nr, d);
        nint vStride = GemmPacking.PanelStride(nr, t);
        nint pStride = GemmPacking.PanelStride(mr, t);
        long length = (rowPanels * qStride) + (keyPanels * kStride) + (headPanels * vStride) + pStride + (mr * nr);
        float[] scratch = ArrayPool<float>.Shared.Rent(checked((int)length));
        try
        {
            fixed (float* pq = qkv, po = output, pa = att, ps = scratch)
            {
                float* qp = ps;
                float* kp = qp + (rowPanels * qStride);
                float* vp = kp + (keyPanels * kStride);
                float* pp = vp + (headPanels * vStride);
                float* tile = pp + pStride;
                for (int pair = start; pair < end; pair++)
                {
                    int b = pair / shape.Heads;
                    int h = pair - (b * shape.Heads);
                    float* q = pq + ((long)b * t * ld) + (h * d);
                    float* o = po + ((long)b * t * c) + (h * d);
                    float* a = pa + ((long)pair * t * t);
                    ReadOnlySpan<float> mask = keyMask.IsEmpty ? default : keyMask.Slice(b * t, t);
                    PackRows(q, ld, t, d, qp);
                    PackColumnsOfTransposed(q + c, ld, t, d, kp);
                    PackColumns(q + (2 * c), ld, t, d, vp);
                    for (int rp = 0; rp < rowPanels; rp++)
                    {
                        int r0 = rp * mr;
                        int rows = Math.Min(mr, t - r0);
                        int last = r0 + rows - 1;
                        // Scores of the panel's queries against the key panels up to its last query.
                        for (int j0 = 0; j0 <= last; j0 += nr)
                        {
                            Product(d, qp + (rp * qStride), kp + (j0 / nr * kStride), a + ((long)r0 * t) + j0, t, rows, Math.Min(nr, t - j0), false, tile);
                        }

                        for (int i = r0; i <= last; i++)
                        {
                            PackedAttentionKernels.SoftmaxRow(new Span<float>(a + ((long)i * t), t), i + 1, mask, scale);
                        }

                        // out rows = P[rows, 0..last] · V[0..last]: later keys have probability 0 for every query here.
                        GemmPacking.PackA(Rows(a, t), r0, rows, 0, last + 1, mr, pp);
                        for (int j0 = 0; j0 < d; j0 += nr)
                        {
                            Product(last + 1, pp, vp + (j0 / nr * vStride), o + ((long)r0 * c) + j0, c, rows, Math.Min(nr, d - j0), false, tile);
                        }
                    }
                }
            }
        }
        finally
        {
            ArrayPool<float>.Shared.Return(scratch);
        }
    }

    /// <summary>
    /// Backward pass of pairs [start, end) from the probabilities <see cref="ForwardPairs"/> (or the GEMM path) wrote;
    /// see <see cref="PackedAttentionKernels"/>.
    /// </summary>
    public static void BackwardPairs(ReadOnlySpan<float> dOutput, ReadOnlySpan<float> qkv, ReadOnlySpan<float> att, Span<float> dQkv,
        AttentionShape shape, float scale, bool accumulate, int start, int end)
    {
        int t = shape.QueryLength;
        int d = shape.HeadDim;
        int c = shape.Heads * d;
        int ld = 3 * c;
        int mr = TKernel.MR;
        int nr = TKernel.NR;
        int rowPanels = Panels(t, mr);
        int keyPanels = Panels(t, nr);
        int headPanels = Panels(d, nr);
        nint rowStride = GemmPacking.PanelStride(mr, d); // dO by query rows
        nint keyStride = GemmPacking.PanelStride(nr, d); // Vᵀ by key columns
        nint longRowStride = GemmPacking.PanelStride(mr, t); // dS by query rows, dSᵀ and Pᵀ by key rows
        nint longColumnStride = GemmPacking.PanelStride(nr, t); // K, Q and dO by head columns
        long length = (rowPanels * rowStride) + (keyPanels * keyStride) + ((long)t * t) + longRowStride
            + (rowPanels * longRowStride) + (headPanels * longColumnStride) + (mr * nr);
        float[] scratch = ArrayPool<float>.Shared.Rent(checked((int)length));
        try
        {
            fixed (float* pdo = dOutput, pq = qkv, pa = att, pdq = dQkv, ps = scratch)
            {
                float* dop = ps;
                float* vt = dop + (rowPanels * rowStride);
                float* ds = vt + (keyPanels * keyStride);
                float* dsRows = ds + ((long)t * t);
                float* transposed = dsRows + longRowStride;
                float* columns = transposed + (rowPanels * longRowStride);
                float* tile = columns + (headPanels * longColumnStride);
                for (int pair = start; pair < end; pair++)
                {
                    int b = pair / shape.Heads;
                    int h = pair - (b * shape.Heads);
                    long qOffset = ((long)b * t * ld) + (h * d);
                    float* q = pq + qOffset;
                    float* dO = pdo + ((long)b * t * c) + (h * d);
                    float* p = pa + ((long)pair * t * t);
                    float* dq = pdq + qOffset;

                    // dS = scale·P·(dP − Σ P·dP) with dP = dO·Vᵀ, over the causal triangle.
                    PackRows(dO, c, t, d, dop);
                    PackColumnsOfTransposed(q + (2 * c), ld, t, d, vt);
                    for (int rp = 0; rp < rowPanels; rp++)
                    {
                        int r0 = rp * mr;
                        int rows = Math.Min(mr, t - r0);
                        int last = r0 + rows - 1;
                        int keyEnd = Math.Min(t, ((last / nr) + 1) * nr);
                        for (int j0 = 0; j0 <= last; j0 += nr)
                        {
                            Product(d, dop + (rp * rowStride), vt + (j0 / nr * keyStride), ds + ((long)r0 * t) + j0, t, rows, Math.Min(nr, t - j0), false, tile);
                        }

                        for (int i = r0; i <= last; i++)
                        {
                            PackedAttentionKernels.ScoreGradient(new ReadOnlySpan<float>(p + ((long)i * t), keyEnd), new Span<float>(ds + ((long)i * t), keyEnd), i + 1, scale);
                        }
                    }

                    // dQ rows = dS[rows, 0..last] · K[0..last].
                    PackColumns(q + c, ld, t, d, columns);
                    for (int rp = 0; rp < rowPanels; rp++)
                    {
                        int r0 = rp * mr;
                        int rows = Math.Min(mr, t - r0);
                        int last = r0 + rows - 1;
                        GemmPacking.PackA(Rows(ds, t), r0, rows, 0, last + 1, mr, dsRows);
                        for (int j0 = 0; j0 < d; j0 += nr)
                        {
                            Product(last + 1, dsRows, columns + (j0 / nr * longColumnStride), dq + ((long)r0 * ld) + j0, ld, rows, Math.Min(nr, d - j0), accumulate, tile);
                        }
                    }

                    // dK rows = dSᵀ[keys, k0..] · Q[k0..] and dV rows = Pᵀ[keys, k0..] · dO[k0..]: only queries at or
                    // after a key panel's first key see its keys.
                    KeyRows(ds, q, ld, dq + c, ld, t, d, accumulate, transposed, columns, tile);
                    KeyRows(p, dO, c, dq + (2 * c), ld, t, d, accumulate, transposed, columns, tile);
                }
            }
        }
        finally
        {
            ArrayPool<float>.Shared.Return(scratch);
        }
    }

    // dst rows (keys) += or = weightsᵀ · x: weights [t queries, t keys] (row stride t, zero above the diagonal as far
    // as any key panel's queries reach), x [t, d] (row stride ldx), dst [t, d] (row stride ldd).
    private static void KeyRows(float* weights, float* x, int ldx, float* dst, int ldd, int t, int d, bool accumulate,
        float* transposed, float* columns, float* tile)
    {
        int mr = TKernel.MR;
        int nr = TKernel.NR;
        nint rowStride = GemmPacking.PanelStride(mr, t);
        nint columnStride = GemmPacking.PanelStride(nr, t);
        PackLowerColumns(weights, t, transposed);
        PackColumns(x, ldx, t, d, columns);
        for (int k0 = 0; k0 < t; k0 += mr)
        {
            float* a = transposed + (k0 / mr * rowStride) + ((long)k0 * mr);
            for (int j0 = 0; j0 < d; j0 += nr)
            {
                Product(t - k0, a, columns + (j0 / nr * columnStride) + ((long)k0 * nr), dst + ((long)k0 * ldd) + j0, ldd, Math.Min(mr, t - k0), Math.Min(nr, d - j0), accumulate, tile);
            }
        }
    }

    // The A panels of wᵀ for w [t, t] (row stride t) where a key panel k0 … k0 + MR − 1 meets only rows q ≥ k0:
    // panel k0/MR holds, from offset k0·MR on, [q][MR] = w[q, k0 + r] (0 past the last key); rows before k0 are not
    // written. Half the moves of packing the whole of wᵀ.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void PackLowerColumns(float* w, int t, float* dst)
    {
        int mr = TKernel.MR;
        nint stride = GemmPacking.PanelStride(mr, t);
        for (int k0 = 0; k0 < t; k0 += mr)
        {
            int width = Math.Min(mr, t - k0);
            float* panel = dst + (k0 / mr * stride);
            for (nint q = k0; q < t; q++)
            {
                float* s = w + (q * t) + k0;
                float* o = panel + (q * mr);
                if (width == 6)
                {
                    Vector128.Store(Vector128.Load(s), o);
                    *(ulong*)(o + 4) = *(ulong*)(s + 4);
                }
                else if (width == 8)
                {
                    Vector256.Store(Vector256.Load(s), o);
                }
                else
                {
                    int r = 0;
                    for (; r < width; r++)
                    {
                        o[r] = s[r];
                    }

                    for (; r < mr; r++)
                    {
                        o[r] = 0f;
                    }
                }
            }
        }
    }

    private static int Panels(int extent, int width) => (extent + width - 1) / width;

    // A GemmArgs whose A is x [rows, ·] with row stride ld (op(A) = A), for packing rows.
    private static GemmArgs Rows(float* x, nint ld) => new(false, false, 0, 0, 0, x, ld, null, 0, null, 0, false);

    // x [t, d] (row stride ld) into panels of MR rows, [d][MR] each.
    private static void PackRows(float* x, nint ld, int t, int d, float* dst) =>
        GemmPacking.PackA(Rows(x, ld), 0, t, 0, d, TKernel.MR, dst);

    // x [t, d] (row stride ld) as B = xᵀ [d, t]: panels of NR rows of x, [d][NR] each.
    private static void PackColumnsOfTransposed(float* x, nint ld, int t, int d, float* dst) =>
        GemmPacking.PackB(new GemmArgs(false, true, 0, t, d, null, 0, x, ld, null, 0, false), 0, d, 0, t, TKernel.NR, dst);

    // x [t, d] (row stride ld) as B = x: panels of NR columns, [t][NR] each.
    private static void PackColumns(float* x, nint ld, int t, int d, float* dst) =>
        GemmPacking.PackB(new GemmArgs(false, false, 0, d, t, null, 0, x, ld, null, 0, false), 0, t, 0, d, TKernel.NR, dst);

    // C[rows, cols] (+)= a-panel · b-panel over kc: straight into C for a whole tile, through the tile otherwise.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Product(nint kc, float* a, float* b, float* c, nint ldc, int rows, int cols, bool accumulate, float* tile)
    {
        if (rows == TKernel.MR && cols == TKernel.NR)
        {
            TKernel.Run(kc, a, b, c, ldc, accumulate);
            return;
        }

        TKernel.Run(kc, a, b, tile, TKernel.NR, false);
        GemmBlocked<TKernel>.MergeTile(tile, TKernel.NR, rows, cols, c, ldc, accumulate, null);
    }
}
