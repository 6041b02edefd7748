using System.Diagnostics;
using Alignment.Kernels;

namespace Alignment.Benchmarks;

/// <summary>
/// Causal self-attention alone (<see cref="PackedAttentionKernels"/>, on all cores) at the shapes of the small and
/// gpt2-124M model benchmarks (batch 8; 4 heads of 64 over 128 positions, 12 heads of 64 over 256): the panel path the
/// vector backends run against the GEMM path (every product through <see cref="Gemm"/>, as before the panel path),
/// alternated round by round on the same inputs. Prints the median forward and backward time of each and the rate in
/// GFLOP/s of the causal products (2·T²·D per pair forward, twice that backward). Option: --rounds N (default 30).
/// </summary>
internal static class AttentionBenchmark
{
    // Rounds before timing: enough calls for .NET's tiered JIT to have recompiled the hot methods.
    private const int WarmRounds = 40;

    public static void Run(TextWriter output, string[] args)
    {
        int rounds = CommandLine.IntOption(args, "--rounds", 30);
        var backend = Gemm.DefaultBackend;
        if (backend == GemmBackend.Scalar)
        {
            output.WriteLine("the scalar backend has only the GEMM path");
            return;
        }

        output.WriteLine($"{"shape",-10}{"path",-7}{"forward ms",12}{"GFLOP/s",9}{"backward ms",13}{"GFLOP/s",9}");
        foreach (var (name, heads, length, headDim) in new[] { ("small", 4, 128, 64), ("gpt2-124M", 12, 256, 64) })
        {
            const int Batch = 8;
            int c = heads * headDim;
            var rng = new Random(1);
            float[] qkv = Samples.RandomFloats(rng, (long)Batch * length * 3 * c);
            float[] dOutput = Samples.RandomFloats(rng, (long)Batch * length * c);
            float[] result = new float[Batch * length * c];
            float[] att = new float[Batch * heads * length * length];
            float[] dQkv = new float[qkv.Length];
            float scale = 1f / MathF.Sqrt(headDim);
            var forward = new[] { new List<double>(), new List<double>() };
            var backward = new[] { new List<double>(), new List<double>() };
            for (int round = -WarmRounds; round < rounds; round++)
            {
                for (int path = 0; path < 2; path++)
                {
                    bool panels = path == 0;
                    long start = Stopwatch.GetTimestamp();
                    PackedAttentionKernels.Forward(qkv, default, result, att, Batch, heads, length, headDim, scale, backend, panels);
                    long middle = Stopwatch.GetTimestamp();
                    PackedAttentionKernels.Backward(dOutput, qkv, att, dQkv, Batch, heads, length, headDim, scale, false, backend, panels);
                    long end = Stopwatch.GetTimestamp();
                    if (round >= 0)
                    {
                        forward[path].Add(Stopwatch.GetElapsedTime(start, middle).TotalMilliseconds);
                        backward[path].Add(Stopwatch.GetElapsedTime(middle, end).TotalMilliseconds);
                    }
                }
            }

            double flops = 2.0 * Batch * heads * length * length * headDim;
            for (int path = 0; path < 2; path++)
            {
                double f = Median(forward[path]), b = Median(backward[path]);
                output.WriteLine($"{name,-10}{(path == 0 ? "panels" : "gemm"),-7}{f,12:F2}{flops / f / 1e6,9:F1}{b,13:F2}{2 * flops / b / 1e6,9:F1}");
            }
        }
    }

    private static double Median(List<double> values)
    {
        var sorted = values.Order().ToList();
        return sorted[sorted.Count / 2];
    }
}
