namespace Alignment.Models.Tokenization.Loading;

/// <summary>
/// Reads a merges.txt file: one merge rule per line, two symbols separated by a single space,
/// in rank order. A first line starting with <c>#version</c> and empty lines are skipped.
/// </summary>
internal static class MergesTxtReader
{
    /// <summary>Reads every rule; errors name <paramref name="source"/> and the 1-based line.</summary>
    /// <exception cref="TokenizerFormatException">A line does not hold exactly two symbols.</exception>
    public static List<MergeEntry> Read(TextReader reader, string source)
    {
        var merges = new List<MergeEntry>();
        int lineNumber = 0;
        while (reader.ReadLine() is string line)
        {
            lineNumber++;
            if (line.Length == 0 || (lineNumber == 1 && line.StartsWith("#version", StringComparison.Ordinal)))
            {
                continue;
            }

            int space = line.IndexOf(' ', StringComparison.Ordinal);
            if (space <= 0 || space == line.Length - 1 || line.IndexOf(' ', space + 1) >= 0)
            {
                throw new TokenizerFormatException(
                    $"{source}, line {lineNumber}: expected two symbols separated by a single space, found {ErrorText.Quote(line)}",
                    source,
                    lineNumber);
            }

            merges.Add(new MergeEntry(line[..space], line[(space + 1)..], $"line {lineNumber}", lineNumber));
        }

        return merges;
    }
}
