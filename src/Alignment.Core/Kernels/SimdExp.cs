using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Alignment.Kernels;

/// <summary>
/// Vectorised single-precision exp: Cody–Waite reduction x = n ln2 + r with |r| &lt;= ln2/2, then a
/// degree-7 Taylor polynomial for e^r (truncation error below 6e-9 relative) and 2^n built from the
/// exponent bits. Inputs below the smallest normal result flush to 0 and inputs above 88 give +inf
/// (both fixed up by the final selects, so the reduction needs no clamping); NaN propagates.
/// Maximum relative error is about 1e-7.
/// </summary>
internal static class SimdExp
{
    private const float MinInput = -87.33654f;
    private const float MaxInput = 88f;
    private const float Log2E = 1.44269504088896341f;

    // ln 2 split so that n * Ln2Hi is exact for |n| < 2^10.
    private const float Ln2Hi = 0.693359375f;
    private const float Ln2Lo = -2.12194440e-4f;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Exp(Vector256<float> x)
    {
        Vector256<float> n = Vector256.Round(x * Vector256.Create(Log2E));
        Vector256<float> r = Vector256.FusedMultiplyAdd(n, Vector256.Create(-Ln2Hi), x);
        r = Vector256.FusedMultiplyAdd(n, Vector256.Create(-Ln2Lo), r);

        Vector256<float> p = Vector256.Create(1f / 5040f);
        p = Vector256.FusedMultiplyAdd(p, r, Vector256.Create(1f / 720f));
        p = Vector256.FusedMultiplyAdd(p, r, Vector256.Create(1f / 120f));
        p = Vector256.FusedMultiplyAdd(p, r, Vector256.Create(1f / 24f));
        p = Vector256.FusedMultiplyAdd(p, r, Vector256.Create(1f / 6f));
        p = Vector256.FusedMultiplyAdd(p, r, Vector256.Create(0.5f));
        p = Vector256.FusedMultiplyAdd(p, r, Vector256<float>.One);
        p = Vector256.FusedMultiplyAdd(p, r, Vector256<float>.One);

        // Only meaningful for n in [-126, 127]; every other lane is replaced below.
        Vector256<int> bits = (Vector256.ConvertToInt32Native(n) + Vector256.Create(127)) << 23;
        Vector256<float> result = p * bits.AsSingle();
        result = Vector256.ConditionalSelect(Vector256.LessThan(x, Vector256.Create(MinInput)), Vector256<float>.Zero, result);
        return Vector256.ConditionalSelect(Vector256.GreaterThan(x, Vector256.Create(MaxInput)), Vector256.Create(float.PositiveInfinity), result);
    }
}
