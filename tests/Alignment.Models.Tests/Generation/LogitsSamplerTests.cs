using Alignment.Models.Generation;

namespace Alignment.Models.Tests.Generation;

/// <summary>Temperature, top-k, top-p and greedy choice on crafted distributions.</summary>
public class LogitsSamplerTests
{
    private const int Draws = 20_000;
    private const double Tolerance = 0.015; // more than 4 standard deviations of a frequency over 20k draws

    [Fact]
    public void Temperature_Sharpens_FrequenciesMatchSoftmaxOfScaledLogits()
    {
        float[] logits = [1f, 0.5f, 0f, -1f];
        var sampler = new LogitsSampler(4, doSample: true, temperature: 0.5f);

        var frequencies = Frequencies(sampler, logits);

        var expected = Softmax(logits.Select(l => l / 0.5).ToArray());
        AssertFrequencies(expected, frequencies);
        Assert.True(frequencies[0] > Softmax(logits.Select(l => (double)l).ToArray())[0] + 0.1);
    }

    [Fact]
    public void TopK_SamplesOnlyTheTopTokens_Renormalised()
    {
        float[] logits = [0.1f, 2f, 1.5f, -3f, 1.9f];
        var sampler = new LogitsSampler(5, doSample: true, topK: 2);

        var frequencies = Frequencies(sampler, logits);

        var top = Softmax([2.0, 1.9]);
        AssertFrequencies([0, top[0], 0, 0, top[1]], frequencies);
        Assert.Equal(0, frequencies[0]);
        Assert.Equal(0, frequencies[2]);
    }

    [Fact]
    public void TopP_KeepsSmallestSetReachingP()
    {
        float[] logits = [MathF.Log(0.5f), MathF.Log(0.3f), MathF.Log(0.15f), MathF.Log(0.05f)];
        var sampler = new LogitsSampler(4, doSample: true, topP: 0.7f);

        var frequencies = Frequencies(sampler, logits);

        AssertFrequencies([0.625, 0.375, 0, 0], frequencies);
        Assert.Equal(0, frequencies[2] + frequencies[3]);
    }

    [Fact]
    public void TopP_AlwaysKeepsAtLeastOneToken()
    {
        float[] logits = [0f, 3f, 1f, 2f];
        var sampler = new LogitsSampler(4, doSample: true, topP: 0.01f);

        var frequencies = Frequencies(sampler, logits, draws: 2_000);

        Assert.Equal(1.0, frequencies[1]);
    }

    [Fact]
    public void TopKThenTopP_NucleusOfRenormalisedTopK()
    {
        float[] logits = [MathF.Log(0.4f), MathF.Log(0.3f), MathF.Log(0.2f), MathF.Log(0.1f)];
        var sampler = new LogitsSampler(4, doSample: true, topK: 3, topP: 0.7f);

        var frequencies = Frequencies(sampler, logits);

        // Top 3 renormalised: 4/9, 3/9, 2/9; cumulative 4/9 < 0.7 <= 7/9, so the first two remain.
        AssertFrequencies([4.0 / 7, 3.0 / 7, 0, 0], frequencies);
    }

    [Fact]
    public void TopP_LargeVocabulary_SamplesExactlyTheNucleus()
    {
        const int vocabulary = 3000;
        var random = new RandomGenerator(8);
        var logits = Enumerable.Range(0, vocabulary).Select(_ => random.NextNormal() * 3f).ToArray();
        var sampler = new LogitsSampler(vocabulary, doSample: true, topP: 0.8f);

        // Brute force: sort by probability, keep the shortest prefix with mass >= 0.8.
        var probabilities = Softmax(logits.Select(l => (double)l).ToArray());
        var order = Enumerable.Range(0, vocabulary).OrderByDescending(i => probabilities[i]).ThenBy(i => i).ToArray();
        var nucleus = new HashSet<int>();
        double mass = 0;
        foreach (var i in order)
        {
            nucleus.Add(i);
            mass += probabilities[i];
            if (mass >= 0.8)
            {
                break;
            }
        }

        var frequencies = Frequencies(sampler, logits);

        var expected = new double[vocabulary];
        foreach (var i in nucleus)
        {
            expected[i] = probabilities[i] / mass;
        }

        AssertFrequencies(expected, frequencies);
        Assert.All(Enumerable.Range(0, vocabulary).Where(i => !nucleus.Contains(i)), i => Assert.Equal(0, frequencies[i]));
    }

    [Fact]
    public void Sampling_LargeVocabulary_BlockSumsMatchSoftmax()
    {
        const int vocabulary = 1500;
        var random = new RandomGenerator(3);
        var logits = Enumerable.Range(0, vocabulary).Select(i => (random.NextNormal() * 0.5f) - (i / 500f)).ToArray();
        var sampler = new LogitsSampler(vocabulary, doSample: true);

        var frequencies = Frequencies(sampler, logits);

        // Compare the mass of each run of 100 ids (the draw scans blocks of 256).
        var probabilities = Softmax(logits.Select(l => (double)l).ToArray());
        for (var start = 0; start < vocabulary; start += 100)
        {
            var expected = probabilities.Skip(start).Take(100).Sum();
            var actual = frequencies.Skip(start).Take(100).Sum();
            Assert.True(Math.Abs(expected - actual) <= Tolerance, $"ids {start}..{start + 99}: expected {expected:F4}, got {actual:F4}");
        }
    }

    [Fact]
    public void Greedy_PicksFirstMaximum()
    {
        var sampler = new LogitsSampler(5, doSample: false);
        Assert.Equal(2, sampler.Next([0f, 1f, 3f, 3f, -1f], [], 0.3, out _));
        Assert.Equal(0, sampler.Next([5f, 5f, 5f, 5f, 5f], [], 0.9, out _));
        Assert.Equal(4, sampler.Next([-9f, -8f, -7f, -6f, -5f], [], 0.0, out _));
    }

    [Fact]
    public void Suppressed_AreNeverChosen_ButCountInLogProbability()
    {
        float[] logits = [0f, 4f, 1f, 4f];
        var greedy = new LogitsSampler(4, doSample: false);
        Assert.Equal(3, greedy.Next(logits, [1], 0, out var logProbability));
        Assert.Equal(LogSoftmax(logits, 3, 1f), logProbability, 1e-6);
        Assert.Equal(2, greedy.Next(logits, [1, 3], 0, out _));

        var sampler = new LogitsSampler(4, doSample: true);
        var frequencies = Frequencies(sampler, logits, suppressed: [1, 3]);
        var rest = Softmax([0.0, 1.0]);
        AssertFrequencies([rest[0], 0, rest[1], 0], frequencies);
    }

    [Fact]
    public void LogProbability_IsLogSoftmaxOfScaledLogitsOverWholeVocabulary()
    {
        float[] logits = [0.3f, 2f, -1f, 1.2f, 0.7f];
        var sampler = new LogitsSampler(5, doSample: true, temperature: 0.8f, topK: 2, topP: 0.9f);
        var random = new RandomGenerator(1);
        for (var i = 0; i < 50; i++)
        {
            var token = sampler.Next(logits, [], random.NextDouble(), out var logProbability);
            Assert.Contains(token, new[] { 1, 3 });
            Assert.Equal(LogSoftmax(logits, token, 0.8f), logProbability, 1e-6);
        }
    }

    [Fact]
    public void Next_RejectsWrongLengthAndNaN()
    {
        var sampler = new LogitsSampler(3, doSample: true);
        Assert.Throws<ArgumentException>(() => sampler.Next([1f, 2f], [], 0.5, out _));
        Assert.Throws<InvalidOperationException>(() => sampler.Next([1f, float.NaN, 0f], [], 0.5, out _));
        Assert.Throws<InvalidOperationException>(() => sampler.Next([1f, 2f, 0f], [0, 1, 2], 0.5, out _));
    }

    private static double[] Frequencies(LogitsSampler sampler, float[] logits, int draws = Draws, int[]? suppressed = null)
    {
        var random = new RandomGenerator(42);
        var counts = new double[logits.Length];
        for (var i = 0; i < draws; i++)
        {
            counts[sampler.Next(logits, suppressed ?? [], random.NextDouble(), out _)]++;
        }

        return [.. counts.Select(c => c / draws)];
    }

    private static void AssertFrequencies(double[] expected, double[] actual)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (var i = 0; i < expected.Length; i++)
        {
            Assert.True(Math.Abs(expected[i] - actual[i]) <= Tolerance, $"token {i}: expected {expected[i]:F4}, got {actual[i]:F4}");
        }
    }

    private static double[] Softmax(double[] x)
    {
        var max = x.Max();
        var e = x.Select(v => Math.Exp(v - max)).ToArray();
        var sum = e.Sum();
        return [.. e.Select(v => v / sum)];
    }

    private static double LogSoftmax(float[] logits, int index, float temperature) =>
        GenerationTestModels.LogSoftmaxAt(logits, index, temperature);
}
