namespace Alignment;

public sealed partial class Tensor
{
    /// <summary>A tensor of zeros.</summary>
    /// <param name="shape">The shape.</param>
    /// <returns>The tensor.</returns>
    public static Tensor Zeros(params int[] shape) => new(TensorStorage.Allocate(CheckedCount(shape), zero: true), (int[])shape.Clone());

    /// <summary>A tensor of ones.</summary>
    /// <param name="shape">The shape.</param>
    /// <returns>The tensor.</returns>
    public static Tensor Ones(params int[] shape) => Full(1f, shape);

    /// <summary>A tensor filled with <paramref name="value"/>.</summary>
    /// <param name="value">The fill value.</param>
    /// <param name="shape">The shape.</param>
    /// <returns>The tensor.</returns>
    public static Tensor Full(float value, params int[] shape)
    {
        var t = Empty(shape);
        t.Span.Fill(value);
        return t;
    }

    /// <summary>A zero-dimensional tensor holding <paramref name="value"/>.</summary>
    /// <param name="value">The value.</param>
    /// <returns>The scalar tensor.</returns>
    public static Tensor Scalar(float value) => Full(value);

    /// <summary>A tensor with a copy of <paramref name="values"/> (row-major) in the given shape.</summary>
    /// <param name="values">The values; their count must equal the product of the shape.</param>
    /// <param name="shape">The shape; when empty, a 1-D tensor of all values.</param>
    /// <returns>The tensor.</returns>
    public static Tensor FromArray(ReadOnlySpan<float> values, params int[] shape)
    {
        ArgumentNullException.ThrowIfNull(shape);
        if (shape.Length == 0)
        {
            shape = [values.Length];
        }

        if (CheckedCount(shape) != values.Length)
        {
            throw new ArgumentException($"{values.Length} values do not fill shape {Shapes.Format(shape)}.", nameof(values));
        }

        var t = Empty(shape);
        values.CopyTo(t.Span);
        return t;
    }

    /// <summary>The values 0, 1, …, <paramref name="count"/> − 1 as a 1-D tensor.</summary>
    /// <param name="count">The number of values.</param>
    /// <returns>The tensor.</returns>
    public static Tensor Arange(int count)
    {
        var t = Empty([count]);
        var s = t.Span;
        for (var i = 0; i < s.Length; i++)
        {
            s[i] = i;
        }

        return t;
    }

    /// <summary>Samples from a normal distribution N(<paramref name="mean"/>, <paramref name="std"/>²).</summary>
    /// <param name="random">The seeded generator.</param>
    /// <param name="mean">The mean.</param>
    /// <param name="std">The standard deviation.</param>
    /// <param name="shape">The shape.</param>
    /// <returns>The tensor.</returns>
    public static Tensor RandomNormal(RandomGenerator random, float mean, float std, params int[] shape)
    {
        ArgumentNullException.ThrowIfNull(random);
        var t = Empty(shape);
        t.FillNormal(random, mean, std);
        return t;
    }

    /// <summary>Overwrites a contiguous tensor with N(<paramref name="mean"/>, <paramref name="std"/>²) samples, without recording an operation.</summary>
    internal void FillNormal(RandomGenerator random, float mean, float std)
    {
        var s = Span;
        for (var i = 0; i < s.Length; i++)
        {
            s[i] = mean + (std * random.NextNormal());
        }
    }

    /// <summary>Samples uniformly from [<paramref name="low"/>, <paramref name="high"/>).</summary>
    /// <param name="random">The seeded generator.</param>
    /// <param name="low">Lower bound.</param>
    /// <param name="high">Upper bound.</param>
    /// <param name="shape">The shape.</param>
    /// <returns>The tensor.</returns>
    public static Tensor RandomUniform(RandomGenerator random, float low, float high, params int[] shape)
    {
        ArgumentNullException.ThrowIfNull(random);
        var t = Empty(shape);
        var s = t.Span;
        for (var i = 0; i < s.Length; i++)
        {
            s[i] = low + ((high - low) * random.NextSingle());
        }

        return t;
    }

    /// <summary>A tensor of zeros with the shape of <paramref name="other"/>.</summary>
    /// <param name="other">The tensor whose shape is used.</param>
    /// <returns>The tensor.</returns>
    public static Tensor ZerosLike(Tensor other)
    {
        ArgumentNullException.ThrowIfNull(other);
        return Zeros(other._shape);
    }

    /// <summary>Uninitialised contiguous tensor in the current scope (internal: callers overwrite every element).</summary>
    internal static Tensor Empty(int[] shape) => new(TensorStorage.Allocate(CheckedCount(shape), zero: false), (int[])shape.Clone());

    /// <summary>A contiguous tensor that no scope owns (parameters, optimizer state).</summary>
    internal static Tensor ZerosUnscoped(int[] shape) => new(TensorStorage.AllocateUnscoped(CheckedCount(shape), zero: true), (int[])shape.Clone());

    /// <summary>An uninitialised contiguous tensor that no scope owns (internal: callers overwrite every element).</summary>
    internal static Tensor EmptyUnscoped(int[] shape) => new(TensorStorage.AllocateUnscoped(CheckedCount(shape), zero: false), (int[])shape.Clone());

    private static int CheckedCount(int[] shape)
    {
        ArgumentNullException.ThrowIfNull(shape);
        long count = 1;
        foreach (var d in shape)
        {
            if (d < 0)
            {
                throw new ArgumentException($"Negative dimension in shape {Shapes.Format(shape)}.", nameof(shape));
            }

            count *= d;
            if (count > Array.MaxLength)
            {
                throw new ArgumentException($"Shape {Shapes.Format(shape)} has too many elements.", nameof(shape));
            }
        }

        return (int)count;
    }
}
