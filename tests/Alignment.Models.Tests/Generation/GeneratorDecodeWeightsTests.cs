using Alignment.IO;
using Alignment.Models.Generation;
using Alignment.Models.Gpt2;
using static Alignment.Models.Tests.Generation.GenerationTestModels;

namespace Alignment.Models.Tests.Generation;

/// <summary>
/// <see cref="GenerationOptions.TransposeWeights"/> (the decode copies of <see cref="DecodeWeightsScope"/>): the copies
/// give the same generations, live only for the call, and are taken from the weights as they are when the call starts;
/// bfloat16 copies (<see cref="GenerationOptions.DecodeWeightPrecision"/>) compute with the weights rounded.
/// </summary>
public class GeneratorDecodeWeightsTests
{
    [Fact]
    public void SameTokensAndLogProbabilities_WithAndWithoutTransposedWeights()
    {
        var model = GenerationTestModels.Random(seed: 21);
        var prompts = Prompts(model.Config.VocabSize, 9, 5, 2, 8);
        var transposed = Generator.Generate(model, prompts, new GenerationOptions { MaxNewTokens = 12, Seed = 4, TransposeWeights = true });
        var plain = Generator.Generate(model, prompts, new GenerationOptions { MaxNewTokens = 12, Seed = 4, TransposeWeights = false });

        Assert.Equal(plain.Sequences.Data, transposed.Sequences.Data);
        var expected = plain.LogProbabilities.ToArray();
        var actual = transposed.LogProbabilities.ToArray();
        for (var i = 0; i < expected.Length; i++)
        {
            AssertClose(expected[i], actual[i], 1e-5, $"log-probability {i}");
        }
    }

    [Fact]
    public void CopiesAreDetachedAfterTheCall_AndTrainingGradientsReachTheWeights()
    {
        var model = GenerationTestModels.Random(seed: 22);
        var layers = Conv1DLayers(model);
        Generator.Generate(model, Prompts(model.Config.VocabSize, 2, 4), new GenerationOptions { MaxNewTokens = 3 });

        Assert.All(layers, layer => Assert.False(layer.HasDecodeWeight));
        using var scope = TensorScope.Begin();
        var logits = model.Forward(new IntTensor([1, 2, 3, 4], 1, 4));
        logits.Sum().Backward();
        Assert.All(layers, layer => Assert.NotNull(layer.Weight.Grad));
    }

    [Fact]
    public void CopiesAreDetached_WhenTheCallThrows()
    {
        var model = GenerationTestModels.Random(seed: 23);
        using var cancelled = new CancellationTokenSource();
        cancelled.Cancel();

        Assert.Throws<OperationCanceledException>(() =>
            Generator.Generate(model, Prompts(model.Config.VocabSize, 2, 4), new GenerationOptions { MaxNewTokens = 3 }, cancelled.Token));
        Assert.All(Conv1DLayers(model), layer => Assert.False(layer.HasDecodeWeight));
    }

    [Fact]
    public void WeightsChangedBetweenCalls_AreUsedByTheNextCall()
    {
        var model = GenerationTestModels.Random(seed: 24);
        var prompts = Prompts(model.Config.VocabSize, 3, 6, 3);
        var options = new GenerationOptions { MaxNewTokens = 10, DoSample = false };
        var before = Generator.Generate(model, prompts, options);

        // Change every Conv1D weight in place, as an optimizer step would.
        var random = new RandomGenerator(5);
        foreach (var layer in Conv1DLayers(model))
        {
            var values = layer.Weight.Span;
            for (var i = 0; i < values.Length; i++)
            {
                values[i] += 0.5f * (random.NextSingle() - 0.5f);
            }
        }

        var transposed = Generator.Generate(model, prompts, options);
        var plain = Generator.Generate(model, prompts, new GenerationOptions { MaxNewTokens = 10, DoSample = false, TransposeWeights = false });

        Assert.NotEqual(before.Sequences.Data, plain.Sequences.Data);
        Assert.Equal(plain.Sequences.Data, transposed.Sequences.Data);
    }

    [Fact]
    public void Conv1DForward_WithCopyAttached_EqualsTheWeight_AndIgnoresItWhileRecording()
    {
        var random = new RandomGenerator(6);
        var layer = new Conv1D(13, 37, random, std: 0.5f);
        var x = Tensor.RandomNormal(random, 0f, 1f, 3, 5, 13);
        float[] expected;
        using (Tensor.NoGrad())
        {
            expected = layer.Forward(x).ToArray();
        }

        layer.AttachDecodeWeight();
        try
        {
            Assert.True(layer.HasDecodeWeight);
            using (Tensor.NoGrad())
            {
                var actual = layer.Forward(x).ToArray();
                for (var i = 0; i < expected.Length; i++)
                {
                    Assert.Equal(expected[i], actual[i], 1e-5f);
                }
            }

            layer.Forward(x).Sum().Backward();
            Assert.NotNull(layer.Weight.Grad);
        }
        finally
        {
            layer.DetachDecodeWeight();
        }

        Assert.False(layer.HasDecodeWeight);
    }

    [Fact]
    public void Conv1DForward_WithCopyAttached_ReadsTheWeightForMoreRowsThanTheCopyTakes()
    {
        var random = new RandomGenerator(7);
        var layer = new Conv1D(13, 37, random, std: 0.5f);
        var x = Tensor.RandomNormal(random, 0f, 1f, 3, 7, 13); // 21 rows: more than DecodeWeight.MaxRows
        using var noGrad = Tensor.NoGrad();
        var expected = layer.Forward(x).ToArray();
        layer.AttachDecodeWeight();
        try
        {
            Assert.Equal(expected, layer.Forward(x).ToArray());
        }
        finally
        {
            layer.DetachDecodeWeight();
        }
    }

    [Fact]
    public void BFloat16Copies_GiveTheFloat32Generation_OfWeightsAlreadyRoundedToBFloat16()
    {
        var model = GenerationTestModels.Random(seed: 25);
        RoundToBFloat16(model, includeEmbedding: true);
        var prompts = Prompts(model.Config.VocabSize, 10, 7, 3, 9);
        var float32 = Generator.Generate(model, prompts, new GenerationOptions { MaxNewTokens = 12, Seed = 6 });

        var bfloat16 = Generator.Generate(model, prompts, new GenerationOptions { MaxNewTokens = 12, Seed = 6, DecodeWeightPrecision = DecodeWeightPrecision.BFloat16 });

        // Rounding is then the identity, and the products add the same terms in the same order: equal bit for bit.
        Assert.Equal(float32.Sequences.Data, bfloat16.Sequences.Data);
        Assert.Equal(float32.LogProbabilities.ToArray(), bfloat16.LogProbabilities.ToArray());
    }

    [Fact]
    public void BFloat16Copies_AlsoRoundTheOutputProjection_AndAreDetachedAfterTheCall()
    {
        var model = GenerationTestModels.Random(seed: 26);
        RoundToBFloat16(model, includeEmbedding: false);
        var prompts = Prompts(model.Config.VocabSize, 11, 7, 3);
        var options = new GenerationOptions { MaxNewTokens = 6, DoSample = false };
        var float32 = Generator.Generate(model, prompts, options);

        var bfloat16 = Generator.Generate(model, prompts, new GenerationOptions { MaxNewTokens = 6, DoSample = false, DecodeWeightPrecision = DecodeWeightPrecision.BFloat16 });

        // Only the embedding is not yet in bfloat16, so the difference comes from the rounded copy of the output projection.
        Assert.NotEqual(float32.LogProbabilities.ToArray(), bfloat16.LogProbabilities.ToArray());
        Assert.False(model.HasDecodeHead);
        Assert.All(Conv1DLayers(model), layer => Assert.False(layer.HasDecodeWeight));
    }

    [Fact]
    public void BFloat16Copies_StayCloseToFloat32_AndAreDetachedWhenTheCallThrows()
    {
        var model = GenerationTestModels.Random(seed: 27);
        var prompts = Prompts(model.Config.VocabSize, 12, 6, 6, 2);
        var float32 = Generator.Generate(model, prompts, new GenerationOptions { MaxNewTokens = 10, DoSample = false });
        var options = new GenerationOptions { MaxNewTokens = 10, DoSample = false, DecodeWeightPrecision = DecodeWeightPrecision.BFloat16 };

        var bfloat16 = Generator.Generate(model, prompts, options);

        // A random model with peaked outputs: the rounding (relative 2⁻⁹ per weight) moves log-probabilities a little
        // and changes no greedy choice.
        Assert.Equal(float32.Sequences.Data, bfloat16.Sequences.Data);
        var expected = float32.LogProbabilities.ToArray();
        var actual = bfloat16.LogProbabilities.ToArray();
        Assert.NotEqual(expected, actual);
        for (var i = 0; i < expected.Length; i++)
        {
            AssertClose(expected[i], actual[i], 2e-2, $"log-probability {i}");
        }

        using var cancelled = new CancellationTokenSource();
        cancelled.Cancel();
        Assert.Throws<OperationCanceledException>(() => Generator.Generate(model, prompts, options, cancelled.Token));
        Assert.False(model.HasDecodeHead);
        Assert.All(Conv1DLayers(model), layer => Assert.False(layer.HasDecodeWeight));
    }

    // Rounds every Conv1D weight (and the tied embedding) to its nearest bfloat16 value, in place.
    private static void RoundToBFloat16(Gpt2LanguageModel model, bool includeEmbedding)
    {
        var weights = Conv1DLayers(model).Select(layer => layer.Weight).ToList();
        if (includeEmbedding)
        {
            weights.Add(model.Transformer.TokenEmbedding.Weight);
        }

        foreach (var weight in weights)
        {
            var values = weight.Span;
            for (var i = 0; i < values.Length; i++)
            {
                values[i] = BFloat16.ToSingle(BFloat16.FromSingle(values[i]));
            }
        }
    }

    private static List<Conv1D> Conv1DLayers(Gpt2LanguageModel model) =>
        [.. model.NamedModules().Select(m => m.Module).OfType<Conv1D>()];
}
