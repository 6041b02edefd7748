namespace Alignment;

/// <summary>An elementwise map from <paramref name="x"/> to <paramref name="y"/>.</summary>
internal delegate void SpanMap(ReadOnlySpan<float> x, Span<float> y);

/// <summary>An elementwise backward rule: dx += f(x, y, g).</summary>
internal delegate void SpanGrad(ReadOnlySpan<float> x, ReadOnlySpan<float> y, ReadOnlySpan<float> g, Span<float> dx);
