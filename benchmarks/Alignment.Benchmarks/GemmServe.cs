using System.Globalization;

namespace Alignment.Benchmarks;

/// <summary>
/// GEMM measurements on request, for a driver that interleaves them with another library's, shape by shape
/// (benchmarks/gemm-interleaved.py). Reads lines "M K N FORM[,FORM...]" from standard input and answers each with one
/// line "FORM GFLOP/s ..." (same timing protocol as <c>gemm</c>); an empty line or end of input stops it.
/// Options: --threads N.
/// </summary>
internal static class GemmServe
{
    public static void Run(TextWriter output, string[] args)
    {
        int threads = CommandLine.IntOption(args, "--threads", Environment.ProcessorCount);
        while (Console.In.ReadLine() is { Length: > 0 } line)
        {
            string[] parts = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            int m = int.Parse(parts[0], CultureInfo.InvariantCulture);
            int k = int.Parse(parts[1], CultureInfo.InvariantCulture);
            int n = int.Parse(parts[2], CultureInfo.InvariantCulture);
            var answers = parts[3].ToUpperInvariant().Split(',')
                .Select(form => string.Create(CultureInfo.InvariantCulture, $"{form} {GemmBenchmark.MeasureShape(form, m, k, n, threads):F2}"));
            output.WriteLine(string.Join(' ', answers));
            output.Flush();
        }
    }
}
