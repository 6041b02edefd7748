using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace Alignment.Kernels;

/// <summary>
/// GELU with the tanh approximation (Hugging Face "gelu_new"):
/// 0.5 x (1 + tanh(u)), u = sqrt(2/pi) (x + 0.044715 x^3). Evaluated as x * sigmoid(2u) with
/// t = exp(-2|u|) &lt;= 1, so nothing overflows: sigmoid(2u) = 1/(1+t) for u &gt;= 0 and t/(1+t) otherwise,
/// and sigmoid(2u) (1 - sigmoid(2u)) = t/(1+t)^2 in both cases.
/// </summary>
internal static class GeluKernels
{
    private const float SqrtTwoOverPi = 0.7978845608028654f;
    private const float Cubic = 0.044715f;

    // x, y: [n]
    /// <summary>y = gelu(x).</summary>
    public static void Forward(ReadOnlySpan<float> x, Span<float> y)
    {
        KernelGuard.Length(y.Length, x.Length, nameof(y));
        int chunks = KernelParallel.ChunkCount(x.Length, Work(x.Length));
        if (chunks == 1)
        {
            ForwardRange(x, y);
        }
        else
        {
            ForwardParallel(x, y, chunks);
        }
    }

    // x, dy, dx: [n]
    /// <summary>dx += dy * gelu'(x).</summary>
    public static void Backward(ReadOnlySpan<float> x, ReadOnlySpan<float> dy, Span<float> dx, bool accumulate = true)
    {
        KernelGuard.Length(dy.Length, x.Length, nameof(dy));
        KernelGuard.Length(dx.Length, x.Length, nameof(dx));
        int chunks = KernelParallel.ChunkCount(x.Length, Work(x.Length));
        if (chunks == 1)
        {
            BackwardRange(x, dy, dx, accumulate);
        }
        else
        {
            BackwardParallel(x, dy, dx, accumulate, chunks);
        }
    }

    // The work of n values for KernelParallel: an exponential and a division each, counted as four element-wise
    // operations, so that from 8,192 values on (a decode step's [8, 3072] activations with batch 8 on gpt2-124M: ~30 µs
    // on one thread) the threads share it.
    private static long Work(int n) => 4L * n;

    // Returns sigmoid(2u) and sets product = sigmoid(2u) * (1 - sigmoid(2u)).
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<float> Sigmoid2U(Vector256<float> x, out Vector256<float> product)
    {
        Vector256<float> x2 = x * x;
        Vector256<float> u = Vector256.Create(SqrtTwoOverPi) * x * Vector256.FusedMultiplyAdd(Vector256.Create(Cubic), x2, Vector256<float>.One);
        Vector256<float> t = SimdExp.Exp(Vector256.Create(-2f) * Vector256.Abs(u));
        Vector256<float> a = Vector256<float>.One / (Vector256<float>.One + t);
        Vector256<float> b = t * a;
        product = a * b;
        return Vector256.ConditionalSelect(Vector256.GreaterThanOrEqual(u, Vector256<float>.Zero), a, b);
    }

    private static float Sigmoid2U(float x, out float product)
    {
        float u = SqrtTwoOverPi * x * ((Cubic * x * x) + 1f);
        float t = MathF.Exp(-2f * MathF.Abs(u));
        float a = 1f / (1f + t);
        float b = t * a;
        product = a * b;
        return u >= 0f ? a : b;
    }

    // x, y: [n]
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void ForwardRange(ReadOnlySpan<float> x, Span<float> y)
    {
        int i = 0;
        if (Vector256.IsHardwareAccelerated && x.Length >= Vector256<float>.Count)
        {
            ref float xp = ref MemoryMarshal.GetReference(x);
            ref float yp = ref MemoryMarshal.GetReference(y);
            for (; i <= x.Length - Vector256<float>.Count; i += Vector256<float>.Count)
            {
                Vector256<float> v = Vector256.LoadUnsafe(ref xp, (nuint)i);
                (v * Sigmoid2U(v, out _)).StoreUnsafe(ref yp, (nuint)i);
            }
        }

        for (; i < x.Length; i++)
        {
            y[i] = x[i] * Sigmoid2U(x[i], out _);
        }
    }

    // x, dy, dx: [n]
    // d/dx [x s(2u)] = s + 2 x s (1 - s) u'(x), u'(x) = sqrt(2/pi) (1 + 3 * 0.044715 x^2).
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void BackwardRange(ReadOnlySpan<float> x, ReadOnlySpan<float> dy, Span<float> dx, bool accumulate)
    {
        int i = 0;
        if (Vector256.IsHardwareAccelerated && x.Length >= Vector256<float>.Count)
        {
            ref float xp = ref MemoryMarshal.GetReference(x);
            ref float dyp = ref MemoryMarshal.GetReference(dy);
            ref float dxp = ref MemoryMarshal.GetReference(dx);
            Vector256<float> twoC = Vector256.Create(2f * SqrtTwoOverPi);
            Vector256<float> threeK = Vector256.Create(3f * Cubic);
            for (; i <= x.Length - Vector256<float>.Count; i += Vector256<float>.Count)
            {
                Vector256<float> v = Vector256.LoadUnsafe(ref xp, (nuint)i);
                Vector256<float> s = Sigmoid2U(v, out Vector256<float> p);
                Vector256<float> du2 = twoC * Vector256.FusedMultiplyAdd(threeK, v * v, Vector256<float>.One);
                Vector256<float> grad = Vector256.FusedMultiplyAdd(v * p, du2, s);
                Vector256<float> prior = accumulate ? Vector256.LoadUnsafe(ref dxp, (nuint)i) : Vector256<float>.Zero;
                Vector256.FusedMultiplyAdd(Vector256.LoadUnsafe(ref dyp, (nuint)i), grad, prior).StoreUnsafe(ref dxp, (nuint)i);
            }
        }

        for (; i < x.Length; i++)
        {
            float v = x[i];
            float s = Sigmoid2U(v, out float p);
            float du2 = 2f * SqrtTwoOverPi * ((3f * Cubic * v * v) + 1f);
            dx[i] = (accumulate ? dx[i] : 0f) + (dy[i] * (s + (v * p * du2)));
        }
    }

    private static unsafe void ForwardParallel(ReadOnlySpan<float> x, Span<float> y, int chunks)
    {
        fixed (float* px = x, py = y)
        {
            var bx = new PinnedBuffer<float>(px, x.Length);
            var by = new PinnedBuffer<float>(py, y.Length);
            KernelParallel.For(x.Length, chunks, (s, e) => ForwardRange(bx.ReadOnlySlice(s, e - s), by.Slice(s, e - s)));
        }
    }

    private static unsafe void BackwardParallel(ReadOnlySpan<float> x, ReadOnlySpan<float> dy, Span<float> dx, bool accumulate, int chunks)
    {
        fixed (float* px = x, pdy = dy, pdx = dx)
        {
            var bx = new PinnedBuffer<float>(px, x.Length);
            var bdy = new PinnedBuffer<float>(pdy, dy.Length);
            var bdx = new PinnedBuffer<float>(pdx, dx.Length);
            KernelParallel.For(x.Length, chunks, (s, e) => BackwardRange(bx.ReadOnlySlice(s, e - s), bdy.ReadOnlySlice(s, e - s), bdx.Slice(s, e - s), accumulate));
        }
    }
}
