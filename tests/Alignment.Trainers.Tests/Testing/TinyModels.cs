using Alignment.Models.Gpt2;
using Alignment.Models.Heads;

namespace Alignment.Trainers.Tests.Testing;

/// <summary>Tiny GPT-2 reward models, quick to train on a CPU; without dropout unless asked for.</summary>
internal static class TinyModels
{
    public static RewardModel RewardModel(int vocabSize, ulong seed, int width = 16, int layers = 1, int positions = 32, float dropout = 0f)
    {
        var config = new Gpt2Config
        {
            VocabSize = vocabSize,
            MaxPositions = positions,
            EmbeddingSize = width,
            LayerCount = layers,
            HeadCount = 2,
            EmbeddingDropout = dropout,
            ResidualDropout = dropout,
            AttentionDropout = 0f,
            BosTokenId = null,
            EosTokenId = null,
        };
        return new RewardModel(new Gpt2Model(config, new RandomGenerator(seed)), RewardPooling.LastToken, seed + 1000, headDropout: dropout);
    }

    /// <summary>Copies of every state-dict tensor's values, by name.</summary>
    public static Dictionary<string, float[]> Snapshot(RewardModel model) =>
        model.StateDict().ToDictionary(e => e.Key, e => e.Value.ToArray());
}
