using Alignment.Models.Generation;
using Alignment.Models.Gpt2;

namespace Alignment.Models.Tests.Generation;

/// <summary>Models and reference computations shared by the generation tests.</summary>
internal static class GenerationTestModels
{
    public static string FixtureDirectory => Path.Combine(AppContext.BaseDirectory, "Fixtures", "tiny-gpt2");

    /// <summary>The tiny Hugging Face fixture (vocab 1000, 64 positions, 32 wide, 2 layers): near-uniform outputs.</summary>
    public static Gpt2LanguageModel Fixture() => Gpt2LanguageModel.FromPretrained(FixtureDirectory);

    /// <summary>A random model with a wide init (peaked outputs) and shapes unlike the fixture's, in training mode.</summary>
    public static Gpt2LanguageModel Random(ulong seed = 7, int vocabulary = 101) => new(
        new Gpt2Config
        {
            VocabSize = vocabulary,
            MaxPositions = 48,
            EmbeddingSize = 48,
            LayerCount = 3,
            HeadCount = 4,
            InitializerRange = 0.3f,
            BosTokenId = null,
            EosTokenId = null,
        },
        seed);

    /// <summary>Random prompts with ids in [0, vocabulary).</summary>
    public static int[][] Prompts(int vocabulary, ulong seed, params int[] lengths)
    {
        var random = new RandomGenerator(seed);
        return [.. lengths.Select(n => Enumerable.Range(0, n).Select(_ => random.NextInt(vocabulary)).ToArray())];
    }

    /// <summary>
    /// Greedy decoding without a cache: every step runs the whole sequence [1, T] through the model and takes the first
    /// maximum of the last logits; the log-probability is log_softmax(logits / temperature), in double.
    /// </summary>
    public static (int[] Tokens, double[] LogProbabilities) NaiveGreedy(Gpt2LanguageModel model, int[] prompt, int steps, float temperature = 1f)
    {
        using var eval = new EvaluationModeScope(model);
        using var noGrad = Tensor.NoGrad();
        var sequence = new List<int>(prompt);
        var tokens = new int[steps];
        var logProbabilities = new double[steps];
        for (var s = 0; s < steps; s++)
        {
            using var scope = TensorScope.Begin();
            var logits = model.Forward(new IntTensor([.. sequence], 1, sequence.Count)).ToArray();
            var vocabulary = model.Config.VocabSize;
            var last = logits.AsSpan((sequence.Count - 1) * vocabulary, vocabulary);
            var best = 0;
            for (var i = 1; i < vocabulary; i++)
            {
                if (last[i] > last[best])
                {
                    best = i;
                }
            }

            tokens[s] = best;
            logProbabilities[s] = LogSoftmaxAt(last, best, temperature);
            sequence.Add(best);
        }

        return (tokens, logProbabilities);
    }

    /// <summary>
    /// Recomputes the log-probabilities of a result's response tokens with one full forward pass over its sequences and
    /// attention mask (what a PPO trainer does); [B, N] with 0 outside the response mask.
    /// </summary>
    public static double[] FullForwardLogProbabilities(Gpt2LanguageModel model, GenerationResult result, float temperature)
    {
        using var eval = new EvaluationModeScope(model);
        using var noGrad = Tensor.NoGrad();
        using var scope = TensorScope.Begin();
        var logits = model.Forward(result.Sequences, result.AttentionMask).ToArray();
        int b = result.BatchSize, n = result.GeneratedLength, p = result.PromptLength, width = p + n, vocabulary = model.Config.VocabSize;
        var values = new double[b * n];
        for (var r = 0; r < b; r++)
        {
            for (var t = 0; t < n; t++)
            {
                if (result.ResponseMask[r, t] == 1)
                {
                    var row = logits.AsSpan(((r * width) + p - 1 + t) * vocabulary, vocabulary);
                    values[(r * n) + t] = LogSoftmaxAt(row, result.Sequences[r, p + t], temperature);
                }
            }
        }

        return values;
    }

    public static double LogSoftmaxAt(ReadOnlySpan<float> logits, int index, float temperature)
    {
        double max = double.NegativeInfinity;
        foreach (var v in logits)
        {
            max = Math.Max(max, v / (double)temperature);
        }

        double sum = 0;
        foreach (var v in logits)
        {
            sum += Math.Exp((v / (double)temperature) - max);
        }

        return (logits[index] / (double)temperature) - max - Math.Log(sum);
    }

    public static void AssertClose(double expected, double actual, double tolerance, string what) =>
        Assert.True(Math.Abs(expected - actual) <= tolerance, $"{what}: expected {expected}, got {actual}");
}
