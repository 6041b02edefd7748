namespace Alignment;

/// <summary>Per-thread switch for recording operations in the autograd graph.</summary>
internal static class GradMode
{
    [ThreadStatic]
    private static bool _disabled;

    public static bool Enabled => !_disabled;

    public static GradModeScope Set(bool enabled)
    {
        var previous = !_disabled;
        _disabled = !enabled;
        return new GradModeScope(previous);
    }

    internal static void Restore(bool enabled) => _disabled = !enabled;
}
