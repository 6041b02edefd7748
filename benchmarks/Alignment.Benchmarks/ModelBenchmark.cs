using System.Diagnostics;
using System.Globalization;
using Alignment.Models.Generation;
using Alignment.Models.Gpt2;
using Alignment.Models.Heads;
using Alignment.Optim;

namespace Alignment.Benchmarks;

/// <summary>
/// Model throughput with the definitions of shared/bench/torch_ref.py: batch 8; train tokens/s (forward, cross-entropy
/// over the vocabulary, backward, AdamW); reward-model pairs/s (backbone on chosen and on rejected, value head on the
/// last token, −logsigmoid(r_c − r_r), backward, AdamW); sampling new tokens/s (8 prompts of 16 tokens, prefill, 64
/// new tokens with temperature 1 through a KV cache, prefill included). Medians after warm-up. "sample-bf16" is the
/// same sampling with bfloat16 decode weights (<see cref="DecodeWeightPrecision.BFloat16"/>): not the definition
/// PyTorch's float32 figure is measured with. "train-masked" (not run by default, no PyTorch counterpart) is the
/// train step with the loss on the last quarter of each row only (labels −100 before it, as prompt tokens when
/// fine-tuning on responses); tokens/s still counts every input token. "train-phases" (not run by default) runs the
/// train step and prints the median time of each of its phases: the backbone's forward pass, the LM head, the
/// cross-entropy, the backward pass and the AdamW step.
/// </summary>
internal static class ModelBenchmark
{
    private const int Batch = 8;
    private const int Prompt = 16;
    private const int NewTokens = 64;
    private const int WarmSteps = 40;

    private static readonly string[] PhaseNames = ["backbone forward", "LM head", "cross-entropy", "backward", "AdamW"];

    private static readonly Dictionary<string, (int Vocab, int D, int Layers, int Heads, int Ctx, int Positions, int TrainReps, int RmReps, int SampleReps)> Configs = new()
    {
        ["tiny"] = (512, 128, 2, 4, 64, 80, 10, 10, 10),
        ["small"] = (8192, 256, 4, 4, 128, 128, 11, 11, 7),
        ["gpt2-124M"] = (50257, 768, 12, 12, 256, 256, 3, 3, 5),
    };

    public static void Run(TextWriter output, string[] args)
    {
        var names = args.Length > 0 ? args[0].Split(',') : ["tiny", "small"];
        var parts = args.Length > 1 ? args[1].Split(',') : ["train", "rm", "sample", "sample-bf16"];
        output.WriteLine($"{"config",-10}{"measure",-12}{"throughput",14}{"median ms",12}{"min ms",10}{"max ms",10}");
        foreach (var name in names)
        {
            if (!Configs.TryGetValue(name, out var c))
            {
                output.WriteLine($"unknown config {name}; known: {string.Join(", ", Configs.Keys)}");
                continue;
            }

            var config = new Gpt2Config
            {
                VocabSize = c.Vocab, MaxPositions = c.Positions, EmbeddingSize = c.D, LayerCount = c.Layers, HeadCount = c.Heads,
                EmbeddingDropout = 0f, ResidualDropout = 0f, AttentionDropout = 0f, BosTokenId = 0, EosTokenId = 0,
            };
            if (parts.Contains("train"))
            {
                var ts = Train(config, c.Ctx, c.TrainReps, maskedPrefix: 0);
                Report(output, name, "train", Batch * c.Ctx, ts, "tok/s");
            }

            if (parts.Contains("train-phases"))
            {
                var phases = new List<double[]>();
                var ts = Train(config, c.Ctx, c.TrainReps, maskedPrefix: 0, phases);
                Report(output, name, "train-phases", Batch * c.Ctx, ts, "tok/s");
                ReportPhases(output, name, phases.TakeLast(ts.Count).ToList());
            }

            if (parts.Contains("train-masked"))
            {
                var ts = Train(config, c.Ctx, c.TrainReps, maskedPrefix: c.Ctx / 4 * 3);
                Report(output, name, "train-masked", Batch * c.Ctx, ts, "tok/s");
            }

            if (parts.Contains("rm"))
            {
                var ts = RewardPairs(config, c.Ctx, c.RmReps);
                Report(output, name, "rm-pair", Batch, ts, "pairs/s");
            }

            if (parts.Contains("sample"))
            {
                var ts = Sample(config, c.SampleReps, DecodeWeightPrecision.Float32);
                Report(output, name, "sample", Batch * NewTokens, ts, "new tok/s");
            }

            if (parts.Contains("sample-bf16"))
            {
                var ts = Sample(config, c.SampleReps, DecodeWeightPrecision.BFloat16);
                Report(output, name, "sample-bf16", Batch * NewTokens, ts, "new tok/s");
            }
        }
    }

    // phases, when given, gets each step's phase times in seconds (PhaseNames' order), warm-up steps included.
    private static List<double> Train(Gpt2Config config, int ctx, int reps, int maskedPrefix, List<double[]>? phases = null)
    {
        var model = new Gpt2LanguageModel(config, seed: 0);
        model.Train();
        var optimizer = new AdamW(model.NamedParameters(), new AdamWOptions { LearningRate = 1e-4, WeightDecay = 0.01 });
        var random = new RandomGenerator(1);
        var ids = RandomIds(random, Batch, ctx + 1, config.VocabSize);
        var x = Columns(ids, 0, ctx);
        var y = Columns(ids, 1, ctx);
        for (var i = 0; i < y.ElementCount; i++)
        {
            if (i % ctx < maskedPrefix)
            {
                y.Data[i] = -100; // ignored by the loss, as prompt tokens in fine-tuning on responses
            }
        }

        return Time(2, reps, () =>
        {
            // model.Forward(x) in its two halves, so the phases can be timed.
            long start = Stopwatch.GetTimestamp();
            using var scope = TensorScope.Begin();
            optimizer.ZeroGrad();
            var hidden = model.Transformer.Forward(x);
            long backbone = Stopwatch.GetTimestamp();
            var logits = model.ComputeLogits(hidden);
            long head = Stopwatch.GetTimestamp();
            var loss = Tensor.CrossEntropy(logits, y);
            long crossEntropy = Stopwatch.GetTimestamp();
            loss.Backward();
            long backward = Stopwatch.GetTimestamp();
            optimizer.Step();
            long end = Stopwatch.GetTimestamp();
            phases?.Add([Seconds(start, backbone), Seconds(backbone, head), Seconds(head, crossEntropy), Seconds(crossEntropy, backward), Seconds(backward, end)]);
        });
    }

    private static List<double> RewardPairs(Gpt2Config config, int ctx, int reps)
    {
        var model = new RewardModel(new Gpt2Model(config, new RandomGenerator(0)));
        model.Train();
        var optimizer = new AdamW(model.NamedParameters(), new AdamWOptions { LearningRate = 1e-4, WeightDecay = 0.01 });
        var random = new RandomGenerator(2);
        var chosen = RandomIds(random, Batch, ctx, config.VocabSize);
        var rejected = RandomIds(random, Batch, ctx, config.VocabSize);
        return Time(2, reps, () =>
        {
            using var scope = TensorScope.Begin();
            optimizer.ZeroGrad();
            var rc = model.Forward(chosen);
            var rr = model.Forward(rejected);
            var loss = -Tensor.LogSigmoid(rc - rr).Mean();
            loss.Backward();
            optimizer.Step();
        });
    }

    private static List<double> Sample(Gpt2Config config, int reps, DecodeWeightPrecision precision)
    {
        var model = new Gpt2LanguageModel(config, seed: 0);
        model.Eval();
        var random = new RandomGenerator(3);
        var prompts = Enumerable.Range(0, Batch).Select(_ => Enumerable.Range(0, Prompt).Select(_ => random.NextInt(config.VocabSize)).ToArray()).ToArray();
        var options = new GenerationOptions { MaxNewTokens = NewTokens, DoSample = true, Temperature = 1f, Seed = 4, DecodeWeightPrecision = precision };
        return Time(1, reps, () => Generator.Generate(model, prompts, options));
    }

    private static IntTensor RandomIds(RandomGenerator random, int rows, int cols, int vocab)
    {
        var ids = new IntTensor(rows, cols);
        for (var i = 0; i < ids.ElementCount; i++)
        {
            ids.Data[i] = random.NextInt(vocab);
        }

        return ids;
    }

    private static IntTensor Columns(IntTensor ids, int start, int count)
    {
        int rows = ids.Size(0), cols = ids.Size(1);
        var result = new IntTensor(rows, count);
        for (var r = 0; r < rows; r++)
        {
            Array.Copy(ids.Data, (r * cols) + start, result.Data, r * count, count);
        }

        return result;
    }

    private static List<double> Time(int warmup, int reps, Action step)
    {
        // .NET compiles hot methods twice (tiered JIT): a method is recompiled, on a background thread that shares
        // the two cores, after about 30 calls. Warm up for at least 3 s and WarmSteps steps (at most 30 s) so the
        // timed steps run the optimised code a long training run sees, with the compiler idle, as PyTorch's
        // eager steps are after its warm-up.
        var warm = Stopwatch.StartNew();
        for (var i = 0; i < warmup || warm.Elapsed.TotalSeconds < 3 || (i < WarmSteps && warm.Elapsed.TotalSeconds < 30); i++)
        {
            step();
        }

        var times = new List<double>();
        for (var i = 0; i < reps; i++)
        {
            var clock = Stopwatch.StartNew();
            step();
            times.Add(clock.Elapsed.TotalSeconds);
        }

        return times;
    }

    private static double Seconds(long from, long to) => (double)(to - from) / Stopwatch.Frequency;

    private static void ReportPhases(TextWriter output, string config, List<double[]> steps)
    {
        for (var p = 0; p < PhaseNames.Length; p++)
        {
            var times = steps.Select(step => step[p]).ToList();
            output.WriteLine($"{config,-10}{"  phase",-12}{PhaseNames[p],-17}{Samples.Median(times) * 1e3,8:F1} ms (median)");
        }
    }

    private static void Report(TextWriter output, string config, string measure, int units, List<double> times, string unit)
    {
        var sorted = times.Order().ToList();
        var median = Samples.Median(sorted);
        var throughput = units / median;
        var shown = throughput < 10 ? throughput.ToString("F3", CultureInfo.InvariantCulture) : throughput.ToString("F1", CultureInfo.InvariantCulture);
        output.WriteLine($"{config,-10}{measure,-12}{shown,10} {unit,-9}{median * 1e3,8:F1}{sorted[0] * 1e3,10:F1}{sorted[^1] * 1e3,10:F1}");
    }
}
