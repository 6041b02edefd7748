using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using Alignment.Kernels;

namespace Alignment.Optim;

/// <summary>
/// The fused AdamW update over flat buffers. The vector and scalar paths use the same operations in
/// the same order (no fused multiply-add), so results do not depend on the vector width.
/// </summary>
internal static class AdamWKernel
{
    /// <summary>
    /// p ← p·decay; m ← β₁m + (1−β₁)g; v ← β₂v + (1−β₂)g²; p ← p − stepSize·m / (√v / bc2Sqrt + ε).
    /// </summary>
    /// <param name="p">Parameter, [n], updated.</param>
    /// <param name="g">Gradient, [n].</param>
    /// <param name="m">First moment, [n], updated.</param>
    /// <param name="v">Second moment, [n], updated.</param>
    /// <param name="c">The step's scalars.</param>
    public static void Update(Span<float> p, ReadOnlySpan<float> g, Span<float> m, Span<float> v, in AdamWScalars c)
    {
        var n = p.Length;
        if (g.Length != n || m.Length != n || v.Length != n)
        {
            throw new ArgumentException("AdamW: the parameter, gradient and moment buffers differ in length.");
        }

        // Every element is updated on its own, so a split across threads changes no result.
        int chunks = KernelParallel.ChunkCount(n, 8L * n);
        if (chunks > 1)
        {
            UpdateParallel(p, g, m, v, c, chunks);
        }
        else
        {
            UpdateRange(p, g, m, v, c);
        }
    }

    private static unsafe void UpdateParallel(Span<float> p, ReadOnlySpan<float> g, Span<float> m, Span<float> v, AdamWScalars c, int chunks)
    {
        fixed (float* pp = p, pg = g, pm = m, pv = v)
        {
            var bp = new PinnedBuffer<float>(pp, p.Length);
            var bg = new PinnedBuffer<float>(pg, g.Length);
            var bm = new PinnedBuffer<float>(pm, m.Length);
            var bv = new PinnedBuffer<float>(pv, v.Length);
            KernelParallel.For(p.Length, chunks, (s, e) =>
                UpdateRange(bp.Slice(s, e - s), bg.ReadOnlySlice(s, e - s), bm.Slice(s, e - s), bv.Slice(s, e - s), c));
        }
    }

    private static void UpdateRange(Span<float> p, ReadOnlySpan<float> g, Span<float> m, Span<float> v, in AdamWScalars c)
    {
        var n = p.Length;
        var i = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            ref var pr = ref MemoryMarshal.GetReference(p);
            ref var gr = ref MemoryMarshal.GetReference(g);
            ref var mr = ref MemoryMarshal.GetReference(m);
            ref var vr = ref MemoryMarshal.GetReference(v);
            var decay = Vector256.Create(c.Decay);
            var beta1 = Vector256.Create(c.Beta1);
            var oneMinusBeta1 = Vector256.Create(c.OneMinusBeta1);
            var beta2 = Vector256.Create(c.Beta2);
            var oneMinusBeta2 = Vector256.Create(c.OneMinusBeta2);
            var stepSize = Vector256.Create(c.StepSize);
            var bc2Sqrt = Vector256.Create(c.BiasCorrection2Sqrt);
            var eps = Vector256.Create(c.Epsilon);
            for (; i <= n - Vector256<float>.Count; i += Vector256<float>.Count)
            {
                var k = (nuint)i;
                var gi = Vector256.LoadUnsafe(ref gr, k);
                var pi = Vector256.LoadUnsafe(ref pr, k) * decay;
                var mi = (beta1 * Vector256.LoadUnsafe(ref mr, k)) + (oneMinusBeta1 * gi);
                var vi = (beta2 * Vector256.LoadUnsafe(ref vr, k)) + (oneMinusBeta2 * (gi * gi));
                var denom = (Vector256.Sqrt(vi) / bc2Sqrt) + eps;
                pi -= stepSize * (mi / denom);
                mi.StoreUnsafe(ref mr, k);
                vi.StoreUnsafe(ref vr, k);
                pi.StoreUnsafe(ref pr, k);
            }
        }

        for (; i < n; i++)
        {
            var gi = g[i];
            var pi = p[i] * c.Decay;
            var mi = (c.Beta1 * m[i]) + (c.OneMinusBeta1 * gi);
            var vi = (c.Beta2 * v[i]) + (c.OneMinusBeta2 * (gi * gi));
            var denom = (MathF.Sqrt(vi) / c.BiasCorrection2Sqrt) + c.Epsilon;
            pi -= c.StepSize * (mi / denom);
            m[i] = mi;
            v[i] = vi;
            p[i] = pi;
        }
    }
}
