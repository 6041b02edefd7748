using Alignment.Benchmarks;

// Benchmark dispatcher: `dotnet run -c Release --project benchmarks/Alignment.Benchmarks -- <name> [options]`.
// Add a benchmark by adding an entry to Registry.Benchmarks.
if (args.Length == 0 || !Registry.Benchmarks.TryGetValue(args[0], out Action<TextWriter, string[]>? run))
{
    Console.WriteLine("usage: Alignment.Benchmarks <benchmark> [options]");
    Console.WriteLine("available benchmarks:");
    foreach ((string name, _) in Registry.Benchmarks)
    {
        Console.WriteLine($"  {name}");
    }

    return args.Length == 0 ? 0 : 1;
}

run(Console.Out, args[1..]);
return 0;

namespace Alignment.Benchmarks
{
    internal static class Registry
    {
        public static readonly Dictionary<string, Action<TextWriter, string[]>> Benchmarks = new(StringComparer.OrdinalIgnoreCase)
        {
            ["attention"] = AttentionBenchmark.Run,
            ["decode-stream"] = DecodeStreamBenchmark.Run,
            ["gemm"] = GemmBenchmark.Run,
            ["gemm-serve"] = GemmServe.Run,
            ["model"] = ModelBenchmark.Run,
            ["tokenizer"] = TokenizerBenchmark.Run,
        };
    }
}
