using System.Globalization;

namespace Alignment.Benchmarks;

/// <summary>Options of the benchmarks' command lines.</summary>
internal static class CommandLine
{
    /// <summary>The value after <paramref name="name"/> in <paramref name="args"/>, or null when it is absent.</summary>
    public static string? Option(string[] args, string name)
    {
        int index = Array.IndexOf(args, name);
        return index >= 0 && index + 1 < args.Length ? args[index + 1] : null;
    }

    /// <summary>The positive integer after <paramref name="name"/>, or <paramref name="fallback"/> when it is absent or not one.</summary>
    public static int IntOption(string[] args, string name, int fallback) =>
        int.TryParse(Option(args, name), CultureInfo.InvariantCulture, out int value) && value > 0 ? value : fallback;
}
