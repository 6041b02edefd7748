namespace Alignment;

/// <summary>How a per-element loss is reduced.</summary>
public enum Reduction
{
    /// <summary>The mean over counted elements.</summary>
    Mean,

    /// <summary>The sum.</summary>
    Sum,

    /// <summary>No reduction: one loss per element.</summary>
    None,
}
