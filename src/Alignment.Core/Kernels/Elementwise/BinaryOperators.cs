using System.Numerics.Tensors;

namespace Alignment.Kernels;

/// <summary>The elementwise binary operators, each a thin struct over <see cref="TensorPrimitives"/>.</summary>
internal static class BinaryOperators
{
    public readonly struct Add : IBinaryOperator
    {
        public static void Invoke(ReadOnlySpan<float> a, ReadOnlySpan<float> b, Span<float> y) => TensorPrimitives.Add(a, b, y);

        public static void Invoke(ReadOnlySpan<float> a, float b, Span<float> y) => TensorPrimitives.Add(a, b, y);

        public static void Invoke(float a, ReadOnlySpan<float> b, Span<float> y) => TensorPrimitives.Add(b, a, y);
    }

    public readonly struct Subtract : IBinaryOperator
    {
        public static void Invoke(ReadOnlySpan<float> a, ReadOnlySpan<float> b, Span<float> y) => TensorPrimitives.Subtract(a, b, y);

        public static void Invoke(ReadOnlySpan<float> a, float b, Span<float> y) => TensorPrimitives.Subtract(a, b, y);

        public static void Invoke(float a, ReadOnlySpan<float> b, Span<float> y) => TensorPrimitives.Subtract(a, b, y);
    }

    public readonly struct Multiply : IBinaryOperator
    {
        public static void Invoke(ReadOnlySpan<float> a, ReadOnlySpan<float> b, Span<float> y) => TensorPrimitives.Multiply(a, b, y);

        public static void Invoke(ReadOnlySpan<float> a, float b, Span<float> y) => TensorPrimitives.Multiply(a, b, y);

        public static void Invoke(float a, ReadOnlySpan<float> b, Span<float> y) => TensorPrimitives.Multiply(b, a, y);
    }

    public readonly struct Divide : IBinaryOperator
    {
        public static void Invoke(ReadOnlySpan<float> a, ReadOnlySpan<float> b, Span<float> y) => TensorPrimitives.Divide(a, b, y);

        public static void Invoke(ReadOnlySpan<float> a, float b, Span<float> y) => TensorPrimitives.Divide(a, b, y);

        public static void Invoke(float a, ReadOnlySpan<float> b, Span<float> y) => TensorPrimitives.Divide(a, b, y);
    }

    public readonly struct Maximum : IBinaryOperator
    {
        public static void Invoke(ReadOnlySpan<float> a, ReadOnlySpan<float> b, Span<float> y) => TensorPrimitives.Max(a, b, y);

        public static void Invoke(ReadOnlySpan<float> a, float b, Span<float> y) => TensorPrimitives.Max(a, b, y);

        public static void Invoke(float a, ReadOnlySpan<float> b, Span<float> y) => TensorPrimitives.Max(b, a, y);
    }

    public readonly struct Minimum : IBinaryOperator
    {
        public static void Invoke(ReadOnlySpan<float> a, ReadOnlySpan<float> b, Span<float> y) => TensorPrimitives.Min(a, b, y);

        public static void Invoke(ReadOnlySpan<float> a, float b, Span<float> y) => TensorPrimitives.Min(a, b, y);

        public static void Invoke(float a, ReadOnlySpan<float> b, Span<float> y) => TensorPrimitives.Min(b, a, y);
    }

    public readonly struct Power : IBinaryOperator
    {
        public static void Invoke(ReadOnlySpan<float> a, ReadOnlySpan<float> b, Span<float> y) => TensorPrimitives.Pow(a, b, y);

        public static void Invoke(ReadOnlySpan<float> a, float b, Span<float> y) => TensorPrimitives.Pow(a, b, y);

        public static void Invoke(float a, ReadOnlySpan<float> b, Span<float> y) => TensorPrimitives.Pow(a, b, y);
    }
}
