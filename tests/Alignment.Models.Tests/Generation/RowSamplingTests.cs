using Alignment.Models.Generation;

namespace Alignment.Models.Tests.Generation;

/// <summary>The rows of a step chosen on several threads give what one sampler gives row by row.</summary>
public class RowSamplingTests
{
    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void RowsSplitAcrossThreads_EqualOneSamplerRowByRow(bool doSample)
    {
        // 7 rows of 20,000 logits: enough for the rows to be split across threads; 3 steps, the stop token 5 ending
        // row 2 at the first step, so later steps pad it.
        const int rows = 7, vocabulary = 20_000, steps = 3, stop = 5;
        var options = new GenerationOptions { DoSample = doSample, TopK = doSample ? 50 : 0, MaxNewTokens = steps, StopTokenIds = [stop] };
        var prompts = Enumerable.Range(0, rows).Select(r => new[] { 1 + r, 2 }).ToArray();
        var state = new GenerationState(prompts, steps, 0, [stop]);
        var expected = new GenerationState(prompts, steps, 0, [stop]);
        var sampling = new RowSampling(rows, vocabulary, options);
        var sampler = new LogitsSampler(vocabulary, options);
        var random = new RandomGenerator(11);
        var expectedRandom = new RandomGenerator(11);
        var rng = new Random(3);
        for (var step = 0; step < steps; step++)
        {
            var values = new float[rows * vocabulary];
            for (var i = 0; i < values.Length; i++)
            {
                values[i] = (float)(rng.NextDouble() * 4);
            }

            if (step == 0)
            {
                values[(2 * vocabulary) + stop] = 1000f; // row 2 stops (greedy, and with probability ~1 when sampling)
            }

            using var scope = TensorScope.Begin();
            sampling.Choose(Tensor.FromArray(values, rows, 1, vocabulary), state, doSample ? random : null, suppressStops: false);
            for (var r = 0; r < rows; r++)
            {
                var uniform = doSample ? expectedRandom.NextDouble() : 0.0;
                if (expected.IsFinished(r))
                {
                    expected.AppendPadding(r);
                    continue;
                }

                var token = sampler.Next(values.AsSpan(r * vocabulary, vocabulary), default, uniform, out var logProbability);
                expected.Append(r, token, logProbability);
            }

            expected.EndStep();
        }

        using var resultScope = TensorScope.Begin();
        var result = state.ToResult();
        var reference = expected.ToResult();
        Assert.Equal(reference.Sequences.Data, result.Sequences.Data);
        Assert.Equal(reference.LogProbabilities.ToArray(), result.LogProbabilities.ToArray());
        Assert.True(result.IsStopped(2));
        Assert.Single(result.GetResponseIds(2));
        Assert.Equal(steps, result.GetResponseIds(0).Length);
    }
}
