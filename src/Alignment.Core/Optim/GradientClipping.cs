using System.Numerics.Tensors;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace Alignment.Optim;

/// <summary>Gradient clipping over all parameters together, as torch.nn.utils.clip_grad_norm_.</summary>
public static class GradientClipping
{
    /// <summary>
    /// Computes the global L2 norm of all gradients (as if concatenated into one vector, accumulated in
    /// double) and, when it exceeds <paramref name="maxNorm"/>, scales every gradient in place by
    /// maxNorm / (norm + 1e-6). Parameters without a gradient are skipped. A NaN or infinite norm is
    /// returned without scaling anything, so the caller can detect it and skip the step.
    /// </summary>
    /// <param name="parameters">The parameters whose gradients are clipped.</param>
    /// <param name="maxNorm">The largest allowed norm, finite and greater than 0.</param>
    /// <returns>The total norm before clipping.</returns>
    public static double ClipGradNorm(IEnumerable<Tensor> parameters, double maxNorm)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        if (!double.IsFinite(maxNorm) || maxNorm <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(maxNorm), maxNorm, "The maximum norm must be finite and greater than 0.");
        }

        var grads = parameters.Select(p => p?.Grad).OfType<Tensor>().ToList();
        var sum = 0.0;
        foreach (var grad in grads)
        {
            sum += SumOfSquares(grad.IsContiguous ? grad.Span : grad.ToArray());
        }

        var norm = Math.Sqrt(sum);
        if (!double.IsFinite(norm))
        {
            return norm;
        }

        // Same condition as PyTorch, which multiplies by min(coefficient, 1).
        var coefficient = maxNorm / (norm + 1e-6);
        if (coefficient < 1)
        {
            foreach (var grad in grads)
            {
                if (grad.IsContiguous)
                {
                    TensorPrimitives.Multiply(grad.Span, (float)coefficient, grad.Span);
                }
                else
                {
                    var values = grad.ToArray();
                    TensorPrimitives.Multiply(values, (float)coefficient, values);
                    grad.CopyFrom(values);
                }
            }
        }

        return norm;
    }

    /// <summary>Σ x², each square and the sum in double.</summary>
    internal static double SumOfSquares(ReadOnlySpan<float> x)
    {
        var i = 0;
        var sum = 0.0;
        if (Vector256.IsHardwareAccelerated && x.Length >= Vector256<float>.Count)
        {
            ref var xr = ref MemoryMarshal.GetReference(x);
            var lowSum = Vector256<double>.Zero;
            var highSum = Vector256<double>.Zero;
            for (; i <= x.Length - Vector256<float>.Count; i += Vector256<float>.Count)
            {
                var (low, high) = Vector256.Widen(Vector256.LoadUnsafe(ref xr, (nuint)i));
                lowSum += low * low;
                highSum += high * high;
            }

            sum = Vector256.Sum(lowSum + highSum);
        }

        for (; i < x.Length; i++)
        {
            sum += (double)x[i] * x[i];
        }

        return sum;
    }
}
