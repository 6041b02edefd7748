using Alignment.Models.Gpt2;

namespace Alignment.Models.Tests.Testing;

/// <summary>A tiny random GPT-2 (vocabulary 50, 16 positions, width 16, 2 layers, 2 heads) and inputs for it.</summary>
internal static class TinyGpt2
{
    /// <summary>End of sequence, also used as padding.</summary>
    public const int Eos = 49;

    /// <summary>The configuration: no dropout, a wider init than GPT-2's so that outputs differ clearly between models.</summary>
    public static Gpt2Config Config { get; } = new()
    {
        VocabSize = 50,
        MaxPositions = 16,
        EmbeddingSize = 16,
        LayerCount = 2,
        HeadCount = 2,
        EmbeddingDropout = 0f,
        ResidualDropout = 0f,
        AttentionDropout = 0f,
        InitializerRange = 0.2f,
        BosTokenId = Eos,
        EosTokenId = Eos,
        PadTokenId = Eos,
    };

    public static Gpt2LanguageModel CreateLanguageModel(ulong seed = 1) => new(Config, seed);

    public static Gpt2Model CreateBackbone(ulong seed = 1) => new(Config, new RandomGenerator(seed));

    /// <summary>Two rows of 6 token ids (the second ends with EOS).</summary>
    public static IntTensor Ids() => new([3, 14, 15, 9, 26, 5, 35, 8, 9, 7, 9, Eos], 2, 6);

    /// <summary>Logits (or any output) as an array, computed without a graph.</summary>
    public static float[] Logits(Gpt2LanguageModel model, IntTensor ids)
    {
        using var _ = Tensor.NoGrad();
        return model.Forward(ids).ToArray();
    }

    /// <summary>Asserts |expected − actual| ≤ tolerance element by element.</summary>
    public static void AssertClose(float[] expected, float[] actual, double tolerance, string what)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (var i = 0; i < expected.Length; i++)
        {
            Assert.True(Math.Abs(expected[i] - actual[i]) <= tolerance, $"{what}[{i}]: expected {expected[i]}, got {actual[i]}");
        }
    }
}
