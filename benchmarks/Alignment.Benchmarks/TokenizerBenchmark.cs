using System.Diagnostics;
using System.Globalization;
using System.Text;
using Alignment.Models.Tokenization;

namespace Alignment.Benchmarks;

/// <summary>
/// Measures GPT-2 byte-level BPE encoding throughput on a few megabytes of deterministic
/// English-like prose: with a cold word cache, a warm one, and no cache at all.
/// </summary>
/// <remarks>
/// Arguments: an optional directory holding gpt2-vocab.json and gpt2-merges.txt (default: the
/// tests' Fixtures folder, found by walking up from the application directory), <c>--mb N</c>
/// for the text size (default 4) and <c>--reps N</c> for the repetitions (default 5).
/// </remarks>
internal static class TokenizerBenchmark
{
    private static readonly string[] Words =
    [
        "the", "of", "and", "to", "in", "a", "is", "that", "for", "it", "as", "was", "with", "be", "by", "on", "not",
        "he", "this", "are", "or", "his", "from", "at", "which", "but", "have", "an", "had", "they", "you", "were",
        "their", "one", "all", "we", "can", "her", "has", "there", "been", "if", "more", "when", "will", "would",
        "who", "so", "no", "model", "reward", "policy", "training", "language", "human", "feedback", "preference",
        "gradient", "value", "sample", "response", "prompt", "alignment", "learning", "optimization", "between",
        "through", "different", "important", "however", "government", "development", "university", "information",
        "experience", "understanding", "relationship", "environment", "particularly", "significant", "community",
        "history", "morning", "question", "answer", "reasonable", "unbelievable", "counterintuitive", "Wednesday",
        "London", "Python", "transformer", "tokenizer", "microscope", "photosynthesis", "neighbourhood", "quietly",
    ];

    private static readonly string[] Contractions = ["'s", "'t", "'re", "'ll", "'ve", "'d"];

    /// <summary>Runs the benchmark and writes a short report to <paramref name="output"/>.</summary>
    public static void Run(TextWriter output, string[] args)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(args);
        string directory = args.FirstOrDefault(a => !a.StartsWith("--", StringComparison.Ordinal) && Directory.Exists(a))
            ?? FindFixtures();
        int megabytes = CommandLine.IntOption(args, "--mb", 4);
        int reps = CommandLine.IntOption(args, "--reps", 5);

        var load = Stopwatch.StartNew();
        var tokenizer = ByteLevelBpeTokenizer.FromFiles(
            Path.Combine(directory, "gpt2-vocab.json"), Path.Combine(directory, "gpt2-merges.txt"));
        load.Stop();
        var uncached = ByteLevelBpeTokenizer.FromFiles(
            Path.Combine(directory, "gpt2-vocab.json"),
            Path.Combine(directory, "gpt2-merges.txt"),
            new ByteLevelBpeTokenizerOptions { CacheCapacity = 0 });

        string text = GenerateProse(megabytes * 1_000_000, seed: 42);
        double mb = Encoding.UTF8.GetByteCount(text) / 1e6;
        int tokens = tokenizer.EncodeToIds(text).Length; // Warm-up (JIT) and token count.
        uncached.EncodeToIds(text[..Math.Min(text.Length, 200_000)]);

        var cold = Median(reps, () => tokenizer.ClearCache(), () => tokenizer.EncodeToIds(text));
        var warm = Median(reps, () => { }, () => tokenizer.EncodeToIds(text));
        var count = Median(reps, () => { }, () => tokenizer.CountTokens(text));
        var none = Median(reps, () => { }, () => uncached.EncodeToIds(text));

        var culture = CultureInfo.InvariantCulture;
        output.WriteLine(string.Create(culture, $"GPT-2 tokenizer: loaded in {load.Elapsed.TotalMilliseconds:F0} ms from {directory}"));
        output.WriteLine(string.Create(culture, $"text: {mb:F2} MB, {tokens:N0} tokens ({mb * 1e6 / tokens:F2} bytes/token), median of {reps}"));
        Report(output, "encode, fresh cache", mb, tokens, cold);
        Report(output, "encode, warm cache", mb, tokens, warm);
        Report(output, "count,  warm cache", mb, tokens, count);
        Report(output, "encode, no cache", mb, tokens, none);
    }

    /// <summary>Deterministic English-like prose of about <paramref name="length"/> characters.</summary>
    internal static string GenerateProse(int length, int seed)
    {
        var random = new Random(seed);
        var builder = new StringBuilder(length + 200);
        while (builder.Length < length)
        {
            int sentences = random.Next(2, 7);
            for (int s = 0; s < sentences; s++)
            {
                AppendSentence(builder, random);
            }

            builder.Append("\n\n");
        }

        return builder.ToString();
    }

    private static void AppendSentence(StringBuilder builder, Random random)
    {
        int words = random.Next(5, 22);
        for (int w = 0; w < words; w++)
        {
            string word = Words[random.Next(Words.Length)];
            if (w == 0)
            {
                builder.Append(char.ToUpperInvariant(word[0])).Append(word, 1, word.Length - 1);
            }
            else
            {
                builder.Append(' ').Append(random.Next(40) == 0 ? random.Next(1, 2030).ToString(CultureInfo.InvariantCulture) : word);
            }

            int mark = random.Next(30);
            if (mark == 0)
            {
                builder.Append(Contractions[random.Next(Contractions.Length)]);
            }
            else if (mark == 1 && w < words - 1)
            {
                builder.Append(',');
            }
        }

        builder.Append(random.Next(10) == 0 ? "? " : ". ");
    }

    private static (double Median, double Best) Median(int reps, Action before, Action measured)
    {
        var seconds = new double[reps];
        for (int r = 0; r < reps; r++)
        {
            before();
            long start = Stopwatch.GetTimestamp();
            measured();
            seconds[r] = Stopwatch.GetElapsedTime(start).TotalSeconds;
        }

        Array.Sort(seconds);
        return (seconds[reps / 2], seconds[0]);
    }

    private static void Report(TextWriter output, string name, double mb, int tokens, (double Median, double Best) seconds) =>
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{name,-20} {mb / seconds.Median,8:F1} MB/s {tokens / seconds.Median / 1e6,7:F2} M tokens/s ({seconds.Median * 1e3:F0} ms; best {mb / seconds.Best:F1} MB/s)"));

    private static string FindFixtures()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            string candidate = Path.Combine(dir.FullName, "tests", "Alignment.Models.Tests", "Fixtures");
            if (File.Exists(Path.Combine(candidate, "gpt2-vocab.json")))
            {
                return candidate;
            }
        }

        throw new DirectoryNotFoundException(
            "Could not find tests/Alignment.Models.Tests/Fixtures above " + AppContext.BaseDirectory + "; pass the directory as an argument.");
    }
}
