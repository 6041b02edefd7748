using System.Globalization;

namespace Alignment.Trainers;

/// <summary>Culture-invariant string formatting.</summary>
internal static class Invariant
{
    /// <summary>Formats an interpolated string with the invariant culture.</summary>
    public static string Format(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
