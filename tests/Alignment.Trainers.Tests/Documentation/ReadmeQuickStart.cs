using Alignment.Models.Generation;
using Alignment.Models.Gpt2;
using Alignment.Models.Heads;
using Alignment.Models.Tokenization;
using Alignment.Trainers.Data;
using Alignment.Trainers.RewardModeling;

namespace Alignment.Trainers.Tests.Documentation;

/// <summary>
/// The README's quick start, kept here so that it keeps compiling as the API changes (it needs GPT-2 files,
/// so it is compiled, not run). Keep the two in step.
/// </summary>
internal static class ReadmeQuickStart
{
    public static void RewardModel()
    {
        var tokenizer = ByteLevelBpeTokenizer.FromFiles("gpt2/vocab.json", "gpt2/merges.txt");
        var model = Alignment.Models.Heads.RewardModel.FromPretrained("gpt2");
        var pairs = PreferenceDataReader.ReadPairs("pairs.jsonl");
        var split = DataSplitter.Split(pairs, evaluationFraction: 0.1, seed: 1);

        var trainer = RewardModelTrainer.CreateBuilder()
            .WithModel(model)
            .WithTokenizer(tokenizer)
            .WithTrainingData(split.Train)
            .WithEvaluationData(split.Evaluation)
            .Configure(o => { o.Epochs = 1; o.LearningRate = 5e-5; o.MaxLength = 256; })
            .Build();
        var result = trainer.Train();
        GC.KeepAlive(result);
        model.SavePretrained("reward-model");
    }

    public static void Engine()
    {
        var w = Tensor.RandomNormal(new RandomGenerator(1), 0f, 0.1f, 4, 3);
        w.RequiresGrad = true;
        using (TensorScope.Begin())
        {
            var x = Tensor.Ones(2, 4);
            var loss = Tensor.LogSigmoid(Tensor.MatMul(x, w)).Mean();
            loss.Backward();
        }
    }

    public static void Generation()
    {
        var policy = Gpt2LanguageModel.FromPretrained("gpt2");
        var tokenizer = ByteLevelBpeTokenizer.FromFiles("gpt2/vocab.json", "gpt2/merges.txt");
        var rollouts = Generator.Generate(policy, tokenizer, ["The movie was", "I think that"], new GenerationOptions
        {
            MaxNewTokens = 64, Temperature = 0.7f, TopP = 0.9f, Seed = 1,
            StopTokenIds = [tokenizer.EndOfTextId!.Value],
            DecodeWeightPrecision = DecodeWeightPrecision.BFloat16,
        });
        GC.KeepAlive(rollouts);
    }
}
