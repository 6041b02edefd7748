using System.Numerics.Tensors;
using Alignment.Kernels;

namespace Alignment;

public sealed partial class Tensor
{
    /// <summary>Elementwise a + b with broadcasting.</summary>
    /// <param name="a">Left operand.</param>
    /// <param name="b">Right operand.</param>
    /// <returns>The sum.</returns>
    public static Tensor Add(Tensor a, Tensor b) => Binary<BinaryOperators.Add>("Add", a, b, static (g, a, b, y, ga, gb) =>
    {
        ga?.Accumulate(g);
        gb?.Accumulate(g);
    });

    /// <summary>Elementwise a − b with broadcasting.</summary>
    /// <param name="a">Left operand.</param>
    /// <param name="b">Right operand.</param>
    /// <returns>The difference.</returns>
    public static Tensor Sub(Tensor a, Tensor b) => Binary<BinaryOperators.Subtract>("Sub", a, b, static (g, a, b, y, ga, gb) =>
    {
        ga?.Accumulate(g);
        gb?.Accumulate(g, static (g, t) => TensorPrimitives.Negate(g, t));
    });

    /// <summary>Elementwise a · b with broadcasting.</summary>
    /// <param name="a">Left operand.</param>
    /// <param name="b">Right operand.</param>
    /// <returns>The product.</returns>
    public static Tensor Mul(Tensor a, Tensor b) => Binary<BinaryOperators.Multiply>("Mul", a, b, static (g, a, b, y, ga, gb) =>
    {
        ga?.AccumulateProduct(g, b);
        gb?.AccumulateProduct(g, a);
    });

    /// <summary>Elementwise a / b with broadcasting.</summary>
    /// <param name="a">Left operand.</param>
    /// <param name="b">Right operand.</param>
    /// <returns>The quotient.</returns>
    public static Tensor Div(Tensor a, Tensor b) => Binary<BinaryOperators.Divide>("Div", a, b, static (g, a, b, y, ga, gb) =>
    {
        // d/da = g / b; d/db = −g · y / b
        ga?.AccumulateBinary<BinaryOperators.Divide>(g, b);
        if (gb is not null)
        {
            var t = gb.Temp();
            BroadcastKernels.Binary<BinaryOperators.Multiply>(g.Span, g.ShapeArray, y.Span, y.ShapeArray, t, g.ShapeArray);
            using var bFull = gb.Broadcast(b);
            TensorPrimitives.Divide(t, bFull.Span, t);
            TensorPrimitives.Negate(t, t);
            gb.AccumulateFull(t);
        }
    });

    /// <summary>Elementwise maximum with broadcasting; at ties the gradient is split evenly, as in PyTorch.</summary>
    /// <param name="a">Left operand.</param>
    /// <param name="b">Right operand.</param>
    /// <returns>The maximum.</returns>
    public static Tensor Maximum(Tensor a, Tensor b) => Binary<BinaryOperators.Maximum>("Maximum", a, b, static (g, a, b, y, ga, gb) => SelectGrad(g, a, b, y, ga, gb));

    /// <summary>Elementwise minimum with broadcasting; at ties the gradient is split evenly, as in PyTorch.</summary>
    /// <param name="a">Left operand.</param>
    /// <param name="b">Right operand.</param>
    /// <returns>The minimum.</returns>
    public static Tensor Minimum(Tensor a, Tensor b) => Binary<BinaryOperators.Minimum>("Minimum", a, b, static (g, a, b, y, ga, gb) => SelectGrad(g, a, b, y, ga, gb));

    /// <summary>Elementwise a^b with broadcasting.</summary>
    /// <param name="a">Base.</param>
    /// <param name="b">Exponent.</param>
    /// <returns>The power.</returns>
    public static Tensor Pow(Tensor a, Tensor b) => Binary<BinaryOperators.Power>("Pow", a, b, static (g, a, b, y, ga, gb) =>
    {
        var n = g.ElementCount;
        using var aFull = (ga ?? gb)!.Broadcast(a);
        using var bFull = (ga ?? gb)!.Broadcast(b);
        var gs = g.Span;
        var ys = y.Span;
        if (ga is not null)
        {
            var t = ga.Temp();
            for (var i = 0; i < n; i++)
            {
                // b · a^(b−1), written without dividing by a
                t[i] = gs[i] * bFull.Span[i] * MathF.Pow(aFull.Span[i], bFull.Span[i] - 1f);
            }

            ga.AccumulateFull(t);
        }

        if (gb is not null)
        {
            var t = gb.Temp();
            for (var i = 0; i < n; i++)
            {
                t[i] = aFull.Span[i] > 0 ? gs[i] * ys[i] * MathF.Log(aFull.Span[i]) : 0f;
            }

            gb.AccumulateFull(t);
        }
    });

    /// <summary>Elementwise a + b.</summary>
    /// <param name="a">Left operand.</param>
    /// <param name="b">Right operand.</param>
    /// <returns>The sum.</returns>
    public static Tensor operator +(Tensor a, Tensor b) => Add(a, b);

    /// <summary>Elementwise a − b.</summary>
    /// <param name="a">Left operand.</param>
    /// <param name="b">Right operand.</param>
    /// <returns>The difference.</returns>
    public static Tensor operator -(Tensor a, Tensor b) => Sub(a, b);

    /// <summary>Elementwise a · b.</summary>
    /// <param name="a">Left operand.</param>
    /// <param name="b">Right operand.</param>
    /// <returns>The product.</returns>
    public static Tensor operator *(Tensor a, Tensor b) => Mul(a, b);

    /// <summary>Elementwise a / b.</summary>
    /// <param name="a">Left operand.</param>
    /// <param name="b">Right operand.</param>
    /// <returns>The quotient.</returns>
    public static Tensor operator /(Tensor a, Tensor b) => Div(a, b);

    /// <summary>a + s.</summary>
    /// <param name="a">Tensor.</param>
    /// <param name="s">Scalar.</param>
    /// <returns>The sum.</returns>
    public static Tensor operator +(Tensor a, float s) => AddScalar(a, s);

    /// <summary>s + a.</summary>
    /// <param name="s">Scalar.</param>
    /// <param name="a">Tensor.</param>
    /// <returns>The sum.</returns>
    public static Tensor operator +(float s, Tensor a) => AddScalar(a, s);

    /// <summary>a − s.</summary>
    /// <param name="a">Tensor.</param>
    /// <param name="s">Scalar.</param>
    /// <returns>The difference.</returns>
    public static Tensor operator -(Tensor a, float s) => AddScalar(a, -s);

    /// <summary>s − a.</summary>
    /// <param name="s">Scalar.</param>
    /// <param name="a">Tensor.</param>
    /// <returns>The difference.</returns>
    public static Tensor operator -(float s, Tensor a) => AddScalar(Neg(a), s);

    /// <summary>a · s.</summary>
    /// <param name="a">Tensor.</param>
    /// <param name="s">Scalar.</param>
    /// <returns>The product.</returns>
    public static Tensor operator *(Tensor a, float s) => MulScalar(a, s);

    /// <summary>s · a.</summary>
    /// <param name="s">Scalar.</param>
    /// <param name="a">Tensor.</param>
    /// <returns>The product.</returns>
    public static Tensor operator *(float s, Tensor a) => MulScalar(a, s);

    /// <summary>a / s.</summary>
    /// <param name="a">Tensor.</param>
    /// <param name="s">Scalar.</param>
    /// <returns>The quotient.</returns>
    public static Tensor operator /(Tensor a, float s) => MulScalar(a, 1f / s);

    /// <summary>−a.</summary>
    /// <param name="a">Tensor.</param>
    /// <returns>The negation.</returns>
    public static Tensor operator -(Tensor a) => Neg(a);

    /// <summary>a + s for a scalar s.</summary>
    /// <param name="a">Tensor.</param>
    /// <param name="s">Scalar.</param>
    /// <returns>The sum.</returns>
    public static Tensor AddScalar(Tensor a, float s) => Unary("AddScalar", a, (x, y) => TensorPrimitives.Add(x, s, y), static (x, y, g, dx) => TensorPrimitives.Add(dx, g, dx));

    /// <summary>a · s for a scalar s.</summary>
    /// <param name="a">Tensor.</param>
    /// <param name="s">Scalar.</param>
    /// <returns>The product.</returns>
    public static Tensor MulScalar(Tensor a, float s) => Unary("MulScalar", a, (x, y) => TensorPrimitives.Multiply(x, s, y), (x, y, g, dx) => TensorPrimitives.MultiplyAdd(g, s, dx, dx));

    /// <summary>a^p for a scalar exponent p.</summary>
    /// <param name="a">Tensor.</param>
    /// <param name="p">Exponent.</param>
    /// <returns>The power.</returns>
    public static Tensor Pow(Tensor a, float p) => Unary("PowScalar", a, (x, y) => TensorPrimitives.Pow(x, p, y), (x, y, g, dx) =>
    {
        for (var i = 0; i < dx.Length; i++)
        {
            dx[i] += g[i] * p * MathF.Pow(x[i], p - 1f);
        }
    });

    private delegate void BinaryBackward(Tensor g, Tensor a, Tensor b, Tensor y, BroadcastGrad? ga, BroadcastGrad? gb);

    private static Tensor Binary<TOp>(string name, Tensor a, Tensor b, BinaryBackward backward)
        where TOp : IBinaryOperator
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        var ac = a.Contiguous();
        var bc = b.Contiguous();
        var outShape = Shapes.SameShape(ac._shape, bc._shape) ? ac._shape : Shapes.Broadcast(ac._shape, bc._shape);
        var y = Empty(outShape);
        BroadcastKernels.Binary<TOp>(ac.Span, ac._shape, bc.Span, bc._shape, y.Span, y._shape);
        if (AutogradEngine.ShouldRecord(ac, bc))
        {
            AutogradEngine.Record(y, name, [ac, bc], g =>
            {
                var ga = ac.RequiresGrad ? new BroadcastGrad(ac, g) : null;
                var gb = bc.RequiresGrad ? new BroadcastGrad(bc, g) : null;
                try
                {
                    backward(g, ac, bc, y, ga, gb);
                }
                finally
                {
                    ga?.Dispose();
                    gb?.Dispose();
                }
            });
        }

        return y;
    }

    private static void SelectGrad(Tensor g, Tensor a, Tensor b, Tensor y, BroadcastGrad? ga, BroadcastGrad? gb)
    {
        var helper = (ga ?? gb)!;
        using var aFull = helper.Broadcast(a);
        using var bFull = helper.Broadcast(b);
        var gs = g.Span;
        var ys = y.Span;
        if (ga is not null)
        {
            var t = ga.Temp();
            for (var i = 0; i < t.Length; i++)
            {
                t[i] = aFull.Span[i] == bFull.Span[i] ? 0.5f * gs[i] : (aFull.Span[i] == ys[i] ? gs[i] : 0f);
            }

            ga.AccumulateFull(t);
        }

        if (gb is not null)
        {
            var t = gb.Temp();
            for (var i = 0; i < t.Length; i++)
            {
                t[i] = aFull.Span[i] == bFull.Span[i] ? 0.5f * gs[i] : (bFull.Span[i] == ys[i] ? gs[i] : 0f);
            }

            gb.AccumulateFull(t);
        }
    }
}
