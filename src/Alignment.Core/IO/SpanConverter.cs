namespace Alignment.IO;

/// <summary>Converts <paramref name="source"/> element-wise into the first <c>source.Length</c> elements of <paramref name="destination"/>.</summary>
internal delegate void SpanConverter<TIn, TOut>(ReadOnlySpan<TIn> source, Span<TOut> destination);
