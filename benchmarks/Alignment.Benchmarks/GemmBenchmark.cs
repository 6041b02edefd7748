using System.Diagnostics;
using System.Globalization;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Text.Json;
using Alignment.Kernels;

namespace Alignment.Benchmarks;

/// <summary>
/// fp32 GEMM throughput of <see cref="Gemm.Multiply"/> on the shapes of /work/shared/bench/gemm_ref.py, in NN, NT
/// and TN form, plus the machine's measured FMA peak.
/// Options: --json PATH (write results), --ref PATH (gemm_ref.py output: adds the numpy_2t column and ratios),
/// --shapes a,b,... (subset by name), --forms NN,NT,TN, --threads N.
/// </summary>
internal static class GemmBenchmark
{
    private static readonly (string Name, int M, int K, int N)[] Shapes =
    [
        ("sq256", 256, 256, 256), ("sq512", 512, 512, 512), ("sq1024", 1024, 1024, 1024), ("sq2048", 2048, 2048, 2048),
        ("small.qkv", 1024, 256, 768), ("small.attn_proj", 1024, 256, 256), ("small.fc", 1024, 256, 1024),
        ("small.fc_proj", 1024, 1024, 256), ("small.lm_head", 1024, 256, 8192), ("small.lm_head_dX", 1024, 8192, 256),
        ("small.fc_dW", 256, 1024, 1024), ("small.decode_lm_head", 8, 256, 8192),
        ("gpt2.fc", 2048, 768, 3072), ("gpt2.lm_head", 2048, 768, 50257), ("gpt2.decode_lm_head", 8, 768, 50257),
        ("gpt2.decode_qkv", 8, 768, 2304), ("gpt2.decode_fc", 8, 768, 3072), ("gpt2.decode_fc_proj", 8, 3072, 768),

        // One gpt2-124M backbone pass of the reward step (8 sequences of 256): the projections' forward products (NN),
        // their input gradients dY·Wᵀ (run as NT) and their weight gradients Xᵀ·dY (run as TN).
        ("gpt2.rm_qkv", 2048, 768, 2304), ("gpt2.rm_attn_proj", 2048, 768, 768), ("gpt2.rm_fc_proj", 2048, 3072, 768),
        ("gpt2.rm_qkv_dX", 2048, 2304, 768), ("gpt2.rm_fc_dX", 2048, 3072, 768), ("gpt2.rm_fc_proj_dX", 2048, 768, 3072),
        ("gpt2.rm_qkv_dW", 768, 2048, 2304), ("gpt2.rm_attn_proj_dW", 768, 2048, 768), ("gpt2.rm_fc_dW", 768, 2048, 3072),
        ("gpt2.rm_fc_proj_dW", 3072, 2048, 768),
    ];

    private static readonly string[] AllForms = ["NN", "NT", "TN"];

    private static readonly JsonSerializerOptions JsonOptions = new() { WriteIndented = true };

    public static void Run(TextWriter output, string[] args)
    {
        string? jsonPath = CommandLine.Option(args, "--json");
        string? refPath = CommandLine.Option(args, "--ref");
        string[] forms = CommandLine.Option(args, "--forms")?.ToUpperInvariant().Split(',') ?? AllForms;
        string[]? only = CommandLine.Option(args, "--shapes")?.Split(',');
        int threads = CommandLine.IntOption(args, "--threads", Environment.ProcessorCount);
        Dictionary<string, double> reference = refPath is null ? [] : ReadReference(refPath);

        Peak peak = MeasurePeak();
        output.WriteLine($"backend {Gemm.DefaultBackend}, threads {threads}, Vector256 lanes {Vector256<float>.Count}, " +
            $"Vector512.IsHardwareAccelerated {Vector512.IsHardwareAccelerated}");
        output.WriteLine($"FMA peak (independent Vector256 FMAs): 1 thread {peak.OneThread:F1} GFLOP/s, " +
            $"{peak.Threads} threads {peak.AllThreads:F1} GFLOP/s" +
            (peak.Vector512AllThreads is { } p512 ? $"; Vector512 {peak.Threads} threads {p512:F1} GFLOP/s" : string.Empty));

        var header = new List<string> { $"{"GFLOP/s",-34}" };
        header.AddRange(forms.Select(f => $"{f,9}"));
        if (reference.Count > 0)
        {
            header.Add($"{"numpy2t",9}");
            header.AddRange(forms.Select(f => $"{f + "/ref",9}"));
        }

        output.WriteLine(string.Concat(header));
        var rows = new List<Dictionary<string, object>>();
        foreach ((string name, int m, int k, int n) in Shapes)
        {
            if (only is not null && !only.Contains(name))
            {
                continue;
            }

            var row = new Dictionary<string, object> { ["shape"] = name, ["M"] = m, ["K"] = k, ["N"] = n };
            var line = new List<string> { $"{name + $" {m}x{k}x{n}",-34}" };
            var results = new List<double>();
            foreach (string form in forms)
            {
                double gflops = MeasureShape(form, m, k, n, threads);
                results.Add(gflops);
                row[form] = gflops;
                line.Add($"{gflops,9:F1}");
            }

            if (reference.TryGetValue(name, out double refGflops))
            {
                row["numpy_2t"] = refGflops;
                line.Add($"{refGflops,9:F1}");
                line.AddRange(results.Select(r => $"{r / refGflops,9:F2}"));
            }

            rows.Add(row);
            output.WriteLine(string.Concat(line));
        }

        if (jsonPath is not null)
        {
            var document = new Dictionary<string, object>
            {
                ["env"] = new Dictionary<string, object>
                {
                    ["backend"] = Gemm.DefaultBackend.ToString(),
                    ["threads"] = threads,
                    ["processors"] = Environment.ProcessorCount,
                    ["vector256_lanes"] = Vector256<float>.Count,
                    ["vector512_accelerated"] = Vector512.IsHardwareAccelerated,
                    ["runtime"] = Environment.Version.ToString(),
                },
                ["peak"] = new Dictionary<string, object?>
                {
                    ["fma_vector256_1t"] = peak.OneThread,
                    ["fma_vector256_all"] = peak.AllThreads,
                    ["fma_vector512_all"] = peak.Vector512AllThreads,
                    ["threads"] = peak.Threads,
                },
                ["gemm"] = rows,
            };
            File.WriteAllText(jsonPath, JsonSerializer.Serialize(document, JsonOptions));
            output.WriteLine($"wrote {jsonPath}");
        }
    }

    /// <summary>GFLOP/s of one product of the given form ("NN", "NT" or "TN") on fresh random operands.</summary>
    internal static double MeasureShape(string form, int m, int k, int n, int threads)
    {
        bool transA = form[0] == 'T';
        bool transB = form[1] == 'T';
        var rng = new Random(0);
        float[] a = Samples.RandomFloats(rng, (long)m * k);
        float[] b = Samples.RandomFloats(rng, (long)k * n);
        float[] c = new float[(long)m * n];
        int lda = transA ? m : k;
        int ldb = transB ? k : n;
        double seconds = Samples.Median(Measure(() =>
            Gemm.Multiply(transA, transB, m, n, k, a, lda, b, ldb, c, n, false, Gemm.DefaultBackend, threads)));
        return 2.0 * m * n * k / seconds / 1e9;
    }

    // Same protocol as gemm_ref.py: 2 warm-up calls, then at least 3 timed calls and 0.4 s, at most 4 s.
    private static List<double> Measure(Action action, double minSeconds = 0.4, int minReps = 3, double capSeconds = 4.0, int warmup = 2)
    {
        for (int i = 0; i < warmup; i++)
        {
            action();
        }

        var times = new List<double>();
        long start = Stopwatch.GetTimestamp();
        while (true)
        {
            long t0 = Stopwatch.GetTimestamp();
            action();
            times.Add(Stopwatch.GetElapsedTime(t0).TotalSeconds);
            double elapsed = Stopwatch.GetElapsedTime(start).TotalSeconds;
            if ((times.Count >= minReps && elapsed >= minSeconds) || elapsed >= capSeconds)
            {
                return times;
            }
        }
    }




    private static Dictionary<string, double> ReadReference(string path)
    {
        using JsonDocument doc = JsonDocument.Parse(File.ReadAllText(path));
        var result = new Dictionary<string, double>();
        foreach (JsonElement row in doc.RootElement.GetProperty("gemm").EnumerateArray())
        {
            result[row.GetProperty("shape").GetString()!] = row.GetProperty("numpy_2t").GetDouble();
        }

        return result;
    }

    // 10 FMAs per iteration, 2 flops per lane.
    private static readonly int FlopsPerIteration256 = 10 * Vector256<float>.Count * 2;
    private static readonly int FlopsPerIteration512 = 10 * Vector512<float>.Count * 2;

    internal sealed record Peak(double OneThread, double AllThreads, double? Vector512AllThreads, int Threads);

    /// <summary>The machine's FMA peak: independent Vector256 FMAs on one thread and on every core (and Vector512 where accelerated).</summary>
    internal static Peak MeasurePeak()
    {
        int threads = Environment.ProcessorCount;
        FmaLoop256(1_000_000);
        double one = PeakOn(1, FmaLoop256, FlopsPerIteration256);
        double all = PeakOn(threads, FmaLoop256, FlopsPerIteration256);
        double? all512 = null;
        if (Vector512.IsHardwareAccelerated)
        {
            FmaLoop512(1_000_000);
            all512 = PeakOn(threads, FmaLoop512, FlopsPerIteration512);
        }

        return new Peak(one, all, all512, threads);
    }

    // Best of 3: GFLOP/s of `threads` threads each running the loop (flopsPerIteration per iteration).
    private static double PeakOn(int threads, Func<long, float> loop, int flopsPerIteration)
    {
        const long iterations = 50_000_000;
        double best = 0;
        for (int rep = 0; rep < 3; rep++)
        {
            using var barrier = new Barrier(threads + 1);
            var workers = new Thread[threads];
            for (int t = 0; t < threads; t++)
            {
                workers[t] = new Thread(() =>
                {
                    barrier.SignalAndWait();
                    GC.KeepAlive(loop(iterations));
                });
                workers[t].Start();
            }

            barrier.SignalAndWait();
            long start = Stopwatch.GetTimestamp();
            foreach (Thread worker in workers)
            {
                worker.Join();
            }

            double seconds = Stopwatch.GetElapsedTime(start).TotalSeconds;
            best = Math.Max(best, (double)threads * iterations * flopsPerIteration / seconds / 1e9);
        }

        return best;
    }

    // 10 independent accumulator chains a += m·add (the dependency through the addend, as in a GEMM micro-kernel;
    // enough to cover 4-cycle latency × 2 pipes).
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static float FmaLoop256(long iterations)
    {
        Vector256<float> m = Vector256.Create(0.999999f), add = Vector256.Create(1e-7f);
        Vector256<float> a0 = Vector256.Create(0f), a1 = Vector256.Create(1f), a2 = Vector256.Create(2f), a3 = Vector256.Create(3f);
        Vector256<float> a4 = Vector256.Create(4f), a5 = Vector256.Create(5f), a6 = Vector256.Create(6f), a7 = Vector256.Create(7f);
        Vector256<float> a8 = Vector256.Create(8f), a9 = Vector256.Create(9f);
        for (long i = 0; i < iterations; i++)
        {
            a0 = Vector256.FusedMultiplyAdd(m, add, a0);
            a1 = Vector256.FusedMultiplyAdd(m, add, a1);
            a2 = Vector256.FusedMultiplyAdd(m, add, a2);
            a3 = Vector256.FusedMultiplyAdd(m, add, a3);
            a4 = Vector256.FusedMultiplyAdd(m, add, a4);
            a5 = Vector256.FusedMultiplyAdd(m, add, a5);
            a6 = Vector256.FusedMultiplyAdd(m, add, a6);
            a7 = Vector256.FusedMultiplyAdd(m, add, a7);
            a8 = Vector256.FusedMultiplyAdd(m, add, a8);
            a9 = Vector256.FusedMultiplyAdd(m, add, a9);
        }

        return Vector256.Sum(a0 + a1 + a2 + a3 + a4 + a5 + a6 + a7 + a8 + a9);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static float FmaLoop512(long iterations)
    {
        Vector512<float> m = Vector512.Create(0.999999f), add = Vector512.Create(1e-7f);
        Vector512<float> a0 = Vector512.Create(0f), a1 = Vector512.Create(1f), a2 = Vector512.Create(2f), a3 = Vector512.Create(3f);
        Vector512<float> a4 = Vector512.Create(4f), a5 = Vector512.Create(5f), a6 = Vector512.Create(6f), a7 = Vector512.Create(7f);
        Vector512<float> a8 = Vector512.Create(8f), a9 = Vector512.Create(9f);
        for (long i = 0; i < iterations; i++)
        {
            a0 = Vector512.FusedMultiplyAdd(m, add, a0);
            a1 = Vector512.FusedMultiplyAdd(m, add, a1);
            a2 = Vector512.FusedMultiplyAdd(m, add, a2);
            a3 = Vector512.FusedMultiplyAdd(m, add, a3);
            a4 = Vector512.FusedMultiplyAdd(m, add, a4);
            a5 = Vector512.FusedMultiplyAdd(m, add, a5);
            a6 = Vector512.FusedMultiplyAdd(m, add, a6);
            a7 = Vector512.FusedMultiplyAdd(m, add, a7);
            a8 = Vector512.FusedMultiplyAdd(m, add, a8);
            a9 = Vector512.FusedMultiplyAdd(m, add, a9);
        }

        return Vector512.Sum(a0 + a1 + a2 + a3 + a4 + a5 + a6 + a7 + a8 + a9);
    }
}
