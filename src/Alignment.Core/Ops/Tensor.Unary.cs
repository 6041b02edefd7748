using System.Numerics.Tensors;

namespace Alignment;

public sealed partial class Tensor
{
    /// <summary>Elementwise −x.</summary>
    /// <param name="x">Input.</param>
    /// <returns>The result.</returns>
    public static Tensor Neg(Tensor x) => Unary("Neg", x, static (x, y) => TensorPrimitives.Negate(x, y), static (x, y, g, dx) => TensorPrimitives.Subtract(dx, g, dx));

    /// <summary>Elementwise eˣ.</summary>
    /// <param name="x">Input.</param>
    /// <returns>The result.</returns>
    public static Tensor Exp(Tensor x) => Unary("Exp", x, static (x, y) => TensorPrimitives.Exp(x, y), static (x, y, g, dx) => TensorPrimitives.FusedMultiplyAdd(g, y, dx, dx));

    /// <summary>Elementwise natural logarithm.</summary>
    /// <param name="x">Input.</param>
    /// <returns>The result.</returns>
    public static Tensor Log(Tensor x) => Unary("Log", x, static (x, y) => TensorPrimitives.Log(x, y), static (x, y, g, dx) =>
    {
        for (var i = 0; i < dx.Length; i++)
        {
            dx[i] += g[i] / x[i];
        }
    });

    /// <summary>Elementwise square root.</summary>
    /// <param name="x">Input.</param>
    /// <returns>The result.</returns>
    public static Tensor Sqrt(Tensor x) => Unary("Sqrt", x, static (x, y) => TensorPrimitives.Sqrt(x, y), static (x, y, g, dx) =>
    {
        for (var i = 0; i < dx.Length; i++)
        {
            dx[i] += 0.5f * g[i] / y[i];
        }
    });

    /// <summary>Elementwise absolute value (gradient 0 at 0, as PyTorch).</summary>
    /// <param name="x">Input.</param>
    /// <returns>The result.</returns>
    public static Tensor Abs(Tensor x) => Unary("Abs", x, static (x, y) => TensorPrimitives.Abs(x, y), static (x, y, g, dx) =>
    {
        for (var i = 0; i < dx.Length; i++)
        {
            dx[i] += x[i] > 0 ? g[i] : (x[i] < 0 ? -g[i] : 0f);
        }
    });

    /// <summary>Elementwise hyperbolic tangent.</summary>
    /// <param name="x">Input.</param>
    /// <returns>The result.</returns>
    public static Tensor Tanh(Tensor x) => Unary("Tanh", x, static (x, y) => TensorPrimitives.Tanh(x, y), static (x, y, g, dx) =>
    {
        for (var i = 0; i < dx.Length; i++)
        {
            dx[i] += g[i] * (1f - (y[i] * y[i]));
        }
    });

    /// <summary>Elementwise logistic sigmoid 1 / (1 + e⁻ˣ).</summary>
    /// <param name="x">Input.</param>
    /// <returns>The result.</returns>
    public static Tensor Sigmoid(Tensor x) => Unary("Sigmoid", x, static (x, y) => TensorPrimitives.Sigmoid(x, y), static (x, y, g, dx) =>
    {
        for (var i = 0; i < dx.Length; i++)
        {
            dx[i] += g[i] * y[i] * (1f - y[i]);
        }
    });

    /// <summary>
    /// Elementwise log(sigmoid(x)) computed stably as min(x, 0) − log(1 + e^−|x|), so large negative
    /// inputs do not underflow to −inf as −log(sigmoid(x)) would.
    /// </summary>
    /// <param name="x">Input.</param>
    /// <returns>The result.</returns>
    public static Tensor LogSigmoid(Tensor x) => Unary("LogSigmoid", x, static (x, y) =>
    {
        for (var i = 0; i < x.Length; i++)
        {
            var v = x[i];
            y[i] = MathF.Min(v, 0f) - MathF.Log(1f + MathF.Exp(-MathF.Abs(v)));
        }
    }, static (x, y, g, dx) =>
    {
        // d/dx log σ(x) = 1 − σ(x) = σ(−x)
        for (var i = 0; i < dx.Length; i++)
        {
            var v = x[i];
            var s = v >= 0 ? MathF.Exp(-v) / (1f + MathF.Exp(-v)) : 1f / (1f + MathF.Exp(v));
            dx[i] += g[i] * s;
        }
    });

    /// <summary>Elementwise max(x, 0).</summary>
    /// <param name="x">Input.</param>
    /// <returns>The result.</returns>
    public static Tensor Relu(Tensor x) => Unary("Relu", x, static (x, y) => TensorPrimitives.Max(x, 0f, y), static (x, y, g, dx) =>
    {
        for (var i = 0; i < dx.Length; i++)
        {
            if (x[i] > 0)
            {
                dx[i] += g[i];
            }
        }
    });

    /// <summary>Elementwise clamp into [<paramref name="min"/>, <paramref name="max"/>]; the gradient passes where the input is inside.</summary>
    /// <param name="x">Input.</param>
    /// <param name="min">Lower bound; the default value is −∞.</param>
    /// <param name="max">Upper bound; the default value is +∞.</param>
    /// <returns>The result.</returns>
    public static Tensor Clamp(Tensor x, float min = float.NegativeInfinity, float max = float.PositiveInfinity)
    {
        if (min > max)
        {
            throw new ArgumentException($"Clamp bounds are reversed: min {min} > max {max}.", nameof(min));
        }

        return Unary("Clamp", x, (x, y) => TensorPrimitives.Clamp(x, min, max, y), (x, y, g, dx) =>
        {
            for (var i = 0; i < dx.Length; i++)
            {
                if (x[i] >= min && x[i] <= max)
                {
                    dx[i] += g[i];
                }
            }
        });
    }

    /// <summary>Elementwise x².</summary>
    /// <param name="x">Input.</param>
    /// <returns>The result.</returns>
    public static Tensor Square(Tensor x) => Unary("Square", x, static (x, y) => TensorPrimitives.Multiply(x, x, y), static (x, y, g, dx) =>
    {
        for (var i = 0; i < dx.Length; i++)
        {
            dx[i] += 2f * g[i] * x[i];
        }
    });

    /// <summary>Runs an elementwise op and records its backward rule (dx += f(x, y, g)).</summary>
    internal static Tensor Unary(string name, Tensor x, SpanMap forward, SpanGrad backward)
    {
        ArgumentNullException.ThrowIfNull(x);
        var xc = x.Contiguous();
        var y = Empty(xc._shape);
        forward(xc.Span, y.Span);
        if (AutogradEngine.ShouldRecord(xc))
        {
            AutogradEngine.Record(y, name, [xc], g => backward(xc.Span, y.Span, g.Span, AutogradEngine.GradSpan(xc)));
        }

        return y;
    }
}
