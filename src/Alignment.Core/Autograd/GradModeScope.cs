namespace Alignment;

/// <summary>Restores the previous gradient-recording mode when disposed (returned by <see cref="Tensor.NoGrad"/>).</summary>
public readonly struct GradModeScope : IDisposable, IEquatable<GradModeScope>
{
    private readonly bool _previous;

    internal GradModeScope(bool previous) => _previous = previous;

    /// <summary>Restores the mode that was in force when the scope began.</summary>
    public void Dispose() => GradMode.Restore(_previous);

    /// <inheritdoc/>
    public bool Equals(GradModeScope other) => _previous == other._previous;

    /// <inheritdoc/>
    public override bool Equals(object? obj) => obj is GradModeScope other && Equals(other);

    /// <inheritdoc/>
    public override int GetHashCode() => _previous.GetHashCode();

    /// <summary>Equality.</summary>
    /// <param name="left">Left.</param>
    /// <param name="right">Right.</param>
    /// <returns>Whether equal.</returns>
    public static bool operator ==(GradModeScope left, GradModeScope right) => left.Equals(right);

    /// <summary>Inequality.</summary>
    /// <param name="left">Left.</param>
    /// <param name="right">Right.</param>
    /// <returns>Whether different.</returns>
    public static bool operator !=(GradModeScope left, GradModeScope right) => !left.Equals(right);
}
