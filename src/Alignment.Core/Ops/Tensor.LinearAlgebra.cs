using Alignment.Kernels;

namespace Alignment;

public sealed partial class Tensor
{
    /// <summary>
    /// Matrix product with PyTorch's rules: [M,K]·[K,N]; batched [..., M, K]·[..., K, N] with broadcast
    /// batch dimensions; [..., M, K]·[K, N] folds the batch into M; 1-D operands are treated as a row or column vector.
    /// </summary>
    /// <param name="a">Left operand.</param>
    /// <param name="b">Right operand.</param>
    /// <returns>The product.</returns>
    public static Tensor MatMul(Tensor a, Tensor b)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        if (a.Rank == 0 || b.Rank == 0)
        {
            throw new ArgumentException("MatMul needs operands of rank 1 or more.");
        }

        if (a.Rank == 1)
        {
            return MatMul(a.Unsqueeze(0), b).Squeeze(-2);
        }

        if (b.Rank == 1)
        {
            return MatMul(a, b.Unsqueeze(1)).Squeeze(-1);
        }

        var k = a._shape[^1];
        if (b._shape[^2] != k)
        {
            throw new ArgumentException($"MatMul: inner dimensions differ, {Shapes.Format(a._shape)} · {Shapes.Format(b._shape)}.");
        }

        if (b.Rank == 2)
        {
            // Fold every leading dimension of a into M: one GEMM.
            var m = a.ElementCount / Math.Max(k, 1);
            var y2 = MatMul2D(a.Reshape(m, k), b, transposeB: false);
            var shape = (int[])a._shape.Clone();
            shape[^1] = b._shape[1];
            return y2.Reshape(shape);
        }

        return BatchedMatMul(a, b);
    }

    /// <summary>
    /// PyTorch's linear layer: y = x·Wᵀ + b, with <paramref name="weight"/> [out, in] and x [..., in];
    /// computed by one GEMM whose backward never materialises a transpose.
    /// </summary>
    /// <remarks>
    /// From 16 rows of x on, the backward pass multiplies only the rows whose output gradient is not all zeros when at
    /// most three quarters of them are (a reward read at one token per sequence, a loss masked to the response
    /// tokens): the other rows get a zero input gradient and add nothing to the weight and bias gradients. A NaN or
    /// infinity in x on such a row therefore does not reach the weight gradient, where PyTorch's full product would
    /// put 0·NaN = NaN.
    /// </remarks>
    /// <param name="input">x, [..., in].</param>
    /// <param name="weight">W, [out, in].</param>
    /// <param name="bias">b, [out], or null.</param>
    /// <returns>[..., out].</returns>
    public static Tensor Linear(Tensor input, Tensor weight, Tensor? bias = null) => LinearCore(input, weight, bias, weightIsInOut: false);

    /// <summary>y = x·W + b with W stored [in, out] (Hugging Face GPT-2's Conv1D layout).</summary>
    internal static Tensor LinearInOut(Tensor input, Tensor weight, Tensor? bias) => LinearCore(input, weight, bias, weightIsInOut: true);

    private static Tensor LinearCore(Tensor input, Tensor weight, Tensor? bias, bool weightIsInOut)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(weight);
        if (weight.Rank != 2)
        {
            throw new ArgumentException($"Linear: the weight must be 2-D, got {Shapes.Format(weight._shape)}.", nameof(weight));
        }

        var inFeatures = weightIsInOut ? weight._shape[0] : weight._shape[1];
        var outFeatures = weightIsInOut ? weight._shape[1] : weight._shape[0];
        if (input.Rank == 0 || input._shape[^1] != inFeatures)
        {
            throw new ArgumentException($"Linear: input {Shapes.Format(input._shape)} does not end in {inFeatures} features (weight {Shapes.Format(weight._shape)}).", nameof(input));
        }

        if (bias is not null && (bias.Rank != 1 || bias._shape[0] != outFeatures))
        {
            throw new ArgumentException($"Linear: bias {Shapes.Format(bias._shape)} must be [{outFeatures}].", nameof(bias));
        }

        var x = input.Contiguous();
        var w = weight.Contiguous();
        var rows = x.ElementCount / Math.Max(inFeatures, 1);
        var shape = (int[])x._shape.Clone();
        shape[^1] = outFeatures;
        var y = Empty(shape);
        var ys = y.Span;
        var bc = bias?.Contiguous();

        // x [rows, in] · W ([in, out] or [out, in]ᵀ) (+ bias) → y [rows, out]
        var ldw = inFeatures == 0 ? 1 : (weightIsInOut ? outFeatures : inFeatures);
        if (bc is null)
        {
            Gemm.Multiply(false, !weightIsInOut, rows, outFeatures, inFeatures, x.Span, inFeatures, w.Span, ldw, ys, outFeatures, accumulate: false);
        }
        else
        {
            Gemm.MultiplyWithBias(false, !weightIsInOut, rows, outFeatures, inFeatures, x.Span, inFeatures, w.Span, ldw, bc.Span, ys, outFeatures);
        }

        Tensor[] inputs = bc is null ? [x, w] : [x, w, bc];
        if (AutogradEngine.ShouldRecord(inputs))
        {
            AutogradEngine.Record(y, weightIsInOut ? "LinearInOut" : "Linear", inputs,
                g => LinearBackward(g.Span, x, w, bc, rows, inFeatures, outFeatures, weightIsInOut));
        }

        return y;
    }

    private static Tensor MatMul2D(Tensor a, Tensor b, bool transposeB)
    {
        var x = a.Contiguous();
        var w = b.Contiguous();
        var m = x._shape[0];
        var k = x._shape[1];
        var n = transposeB ? w._shape[0] : w._shape[1];
        var y = Empty([m, n]);
        Gemm.Multiply(false, transposeB, m, n, k, x.Span, Math.Max(k, 1), w.Span, Math.Max(w._shape[1], 1), y.Span, Math.Max(n, 1), accumulate: false);
        if (AutogradEngine.ShouldRecord(x, w))
        {
            AutogradEngine.Record(y, "MatMul", [x, w], g =>
            {
                if (x.RequiresGrad)
                {
                    // dA [m,k] += g [m,n] · Bᵀ
                    var dx = AutogradEngine.GradSpanForWrite(x, out var accumulateDx);
                    Gemm.Multiply(false, !transposeB, m, k, n, g.Span, Math.Max(n, 1), w.Span, Math.Max(w._shape[1], 1), dx, Math.Max(k, 1), accumulateDx);
                }

                if (w.RequiresGrad)
                {
                    // dB [k,n] += Aᵀ · g
                    var dw = AutogradEngine.GradSpanForWrite(w, out var accumulateDw);
                    Gemm.Multiply(true, false, k, n, m, x.Span, Math.Max(k, 1), g.Span, Math.Max(n, 1), dw, Math.Max(n, 1), accumulateDw);
                }
            });
        }

        return y;
    }

    private static Tensor BatchedMatMul(Tensor a, Tensor b)
    {
        var batchShape = Shapes.Broadcast(a._shape.AsSpan(0, a.Rank - 2), b._shape.AsSpan(0, b.Rank - 2));
        var m = a._shape[^2];
        var k = a._shape[^1];
        var n = b._shape[^1];
        var aShape = batchShape.Concat(new[] { m, k }).ToArray();
        var bShape = batchShape.Concat(new[] { k, n }).ToArray();
        var x = Shapes.SameShape(a._shape, aShape) ? a.Contiguous() : a.Expand(aShape).Contiguous();
        var w = Shapes.SameShape(b._shape, bShape) ? b.Contiguous() : b.Expand(bShape).Contiguous();
        var batch = Shapes.Count(batchShape);
        var y = Empty(batchShape.Concat(new[] { m, n }).ToArray());
        Gemm.MultiplyBatched(false, false, m, n, k, x.Span, k, (long)m * k, w.Span, n, (long)k * n, y.Span, n, (long)m * n, batch, accumulate: false);
        if (AutogradEngine.ShouldRecord(x, w))
        {
            AutogradEngine.Record(y, "BatchedMatMul", [x, w], g =>
            {
                if (x.RequiresGrad)
                {
                    Gemm.MultiplyBatched(false, true, m, k, n, g.Span, n, (long)m * n, w.Span, n, (long)k * n, AutogradEngine.GradSpan(x), k, (long)m * k, batch, accumulate: true);
                }

                if (w.RequiresGrad)
                {
                    Gemm.MultiplyBatched(true, false, k, n, m, x.Span, k, (long)m * k, g.Span, n, (long)m * n, AutogradEngine.GradSpan(w), n, (long)k * n, batch, accumulate: true);
                }
            });
        }

        return y;
    }
}
