namespace Alignment.Kernels;

/// <summary>A vectorised elementwise binary operator: span⊕span, span⊕scalar and scalar⊕span forms.</summary>
internal interface IBinaryOperator
{
    static abstract void Invoke(ReadOnlySpan<float> a, ReadOnlySpan<float> b, Span<float> y);

    static abstract void Invoke(ReadOnlySpan<float> a, float b, Span<float> y);

    static abstract void Invoke(float a, ReadOnlySpan<float> b, Span<float> y);
}
