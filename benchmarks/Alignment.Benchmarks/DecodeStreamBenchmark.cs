using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using Alignment.Kernels;

namespace Alignment.Benchmarks;

/// <summary>
/// How close a decode step's products come to the memory bandwidth. The weight products of one gpt2-124M decode
/// step with batch 8 (per block: qkv 768→2304, attention projection 768→768, MLP 768→3072 and 3072→768; then the
/// 768→50257 LM head), each with its own weight, ~494 MB in all, so every step streams all of them from memory:
/// once with every weight in plain [out, in] rows (the NT form, as products without decode copies read the LM head),
/// once as generation runs them (every weight in the column panels of <see cref="GemmColumnPanels"/>), and once with
/// the panels in bfloat16 (as generation with bfloat16 decode weights runs them, half the bytes). Timed against a plain
/// read of
/// the same bytes on the same threads, alternated round by round, and set beside the time the products' FMAs alone
/// need at the measured FMA peak (8 per weight with 8 rows): a step cannot be faster than the longer of the two floors.
/// Options: --rounds N (default 7), --rows M (default 8, the batch).
/// </summary>
internal static class DecodeStreamBenchmark
{
    private const int Layers = 12;
    private const int Embedding = 768;
    private const int Vocab = 50257;

    public static void Run(TextWriter output, string[] args)
    {
        int rounds = CommandLine.IntOption(args, "--rounds", 7);
        int rows = CommandLine.IntOption(args, "--rows", 8);
        var shapes = new List<(int N, int K)>();
        for (int layer = 0; layer < Layers; layer++)
        {
            shapes.AddRange([(3 * Embedding, Embedding), (Embedding, Embedding), (4 * Embedding, Embedding), (Embedding, 4 * Embedding)]);
        }

        shapes.Add((Vocab, Embedding));
        var rng = new Random(0);
        float[][] weights = shapes.Select(s => Samples.RandomFloats(rng, (long)s.N * s.K)).ToArray();
        // Every weight in column panels, as the decode copies hold them.
        float[][] packed = weights.Select((w, i) => Panels(w, shapes[i].N, shapes[i].K)).ToArray();
        ushort[][] halves = weights.Select((w, i) => PanelsBFloat16(w, shapes[i].N, shapes[i].K)).ToArray();
        double bytes = weights.Sum(w => (double)w.Length) * sizeof(float);
        float[] a = Samples.RandomFloats(rng, (long)rows * 4 * Embedding);
        float[] c = new float[(long)rows * Vocab];
        int threads = WorkerTeam.Shared.Threads;

        void Step()
        {
            for (int i = 0; i < shapes.Count; i++)
            {
                (int n, int k) = shapes[i];
                Gemm.Multiply(false, true, rows, n, k, a, k, weights[i], k, c, n, false);
            }
        }

        void DecodeStep()
        {
            for (int i = 0; i < shapes.Count; i++)
            {
                (int n, int k) = shapes[i];
                Gemm.MultiplyColumnPanels(rows, n, k, a.AsSpan(0, rows * k), packed[i], default, c.AsSpan(0, rows * n), threads);
            }
        }

        void BFloat16Step()
        {
            for (int i = 0; i < shapes.Count; i++)
            {
                (int n, int k) = shapes[i];
                Gemm.MultiplyColumnPanels(rows, n, k, a.AsSpan(0, rows * k), halves[i], default, c.AsSpan(0, rows * n), threads);
            }
        }

        // Each thread sums its share of every weight: one parallel job, no synchronisation per product.
        float[] sums = new float[threads];
        void Read() => WorkerTeam.Shared.For(threads, t =>
        {
            float total = 0;
            foreach (float[] w in weights)
            {
                (int start, int end) = GemmPartition.Range(w.Length, threads, t);
                total += ReadAll(w.AsSpan(start, end - start));
            }

            sums[t] = total;
        });

        Step();
        DecodeStep();
        BFloat16Step();
        Read();
        var stepTimes = new List<double>();
        var decodeTimes = new List<double>();
        var halfTimes = new List<double>();
        var readTimes = new List<double>();
        for (int round = 0; round < rounds; round++)
        {
            stepTimes.Add(Time(Step));
            decodeTimes.Add(Time(DecodeStep));
            halfTimes.Add(Time(BFloat16Step));
            readTimes.Add(Time(Read));
        }

        double flops = 2.0 * rows * weights.Sum(w => (double)w.Length);
        double computeFloor = flops / (GemmBenchmark.MeasurePeak().AllThreads * 1e9);
        double step = Samples.Median(stepTimes);
        double decode = Samples.Median(decodeTimes);
        double half = Samples.Median(halfTimes);
        double read = Samples.Median(readTimes);
        output.WriteLine($"decode step of gpt2-124M, {rows} rows, {shapes.Count} products, {bytes / 1e6:F0} MB of weights, {threads} threads, medians of {rounds} alternated rounds");
        output.WriteLine($"{"NT rows",-12}{step * 1e3,10:F2} ms{bytes / step / 1e9,10:F1} GB/s   every weight in plain [out, in] rows");
        output.WriteLine($"{"panels",-12}{decode * 1e3,10:F2} ms{bytes / decode / 1e9,10:F1} GB/s   every weight in column panels, as generation runs them");
        output.WriteLine($"{"bf16 panels",-12}{half * 1e3,10:F2} ms{bytes / 2 / half / 1e9,10:F1} GB/s   every weight in bfloat16 column panels (half the bytes), as generation with bfloat16 decode weights runs them");
        output.WriteLine($"{"plain read",-12}{read * 1e3,10:F2} ms{bytes / read / 1e9,10:F1} GB/s");
        output.WriteLine($"{"FMA floor",-12}{computeFloor * 1e3,10:F2} ms  (the products' {flops / 1e9:F2} GFLOP at the measured FMA peak)");
        output.WriteLine($"products reach {read / step:P0} (NT rows) and {read / decode:P0} (panels) of the plain read's bandwidth");
    }

    // The [n, k] weight w (the rows of Wᵀ) in the column-panels layout.
    private static unsafe float[] Panels(float[] w, int n, int k)
    {
        float[] packed = new float[GemmColumnPanels.Length(k, n)];
        fixed (float* source = w, destination = packed)
        {
            GemmColumnPanels.PackOutIn(source, n, k, destination, parallel: true);
        }

        return packed;
    }

    // The [n, k] weight w in the column-panels layout, in bfloat16.
    private static unsafe ushort[] PanelsBFloat16(float[] w, int n, int k)
    {
        ushort[] packed = new ushort[GemmColumnPanels.Length(k, n)];
        fixed (float* source = w)
        fixed (ushort* destination = packed)
        {
            GemmColumnPanels.PackOutInBFloat16(source, n, k, destination, parallel: true);
        }

        return packed;
    }

    // Touches every value once: four independent sums, so the loop is bound by the loads alone.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static float ReadAll(ReadOnlySpan<float> values)
    {
        ReadOnlySpan<Vector256<float>> vectors = MemoryMarshal.Cast<float, Vector256<float>>(values);
        Vector256<float> s0 = default, s1 = default, s2 = default, s3 = default;
        int i = 0;
        for (; i + 4 <= vectors.Length; i += 4)
        {
            s0 += vectors[i];
            s1 += vectors[i + 1];
            s2 += vectors[i + 2];
            s3 += vectors[i + 3];
        }

        for (; i < vectors.Length; i++)
        {
            s0 += vectors[i];
        }

        float tail = 0;
        for (int j = vectors.Length * Vector256<float>.Count; j < values.Length; j++)
        {
            tail += values[j];
        }

        return Vector256.Sum(s0 + s1 + s2 + s3) + tail;
    }

    private static double Time(Action action)
    {
        long start = Stopwatch.GetTimestamp();
        action();
        return Stopwatch.GetElapsedTime(start).TotalSeconds;
    }
}
