// Trains a small GPT-2 reward model from scratch on synthetic ranked answers, then scores answers from bad to good.
using System.Diagnostics;
using Alignment;
using Alignment.Models.Gpt2;
using Alignment.Models.Heads;
using Alignment.Trainers.Data;
using Alignment.Trainers.RewardModeling;
using RewardModelingSample;

var stopwatch = Stopwatch.StartNew();

// 1. Preference data: 1000 questions with three ranked answers each (KoChatGPT's layout), split by question so that no
//    question has pairs on both sides, then expanded into all 3 pairs per question.
var rankings = SyntheticFeedback.Rankings(1000, seed: 1);
var split = DataSplitter.Split(rankings, evaluationFraction: 0.1, seed: 2);
var train = RankedCompletions.Expand(split.Train, RankingExpansion.AllPairs);
var heldOut = RankedCompletions.Expand(split.Evaluation, RankingExpansion.AllPairs);
Console.WriteLine($"Preference pairs: {train.Count} for training, {heldOut.Count} held out.");
Console.WriteLine($"  e.g. chosen:   {train[0].Chosen}");
Console.WriteLine($"       rejected: {train[0].Rejected}");

// 2. A small GPT-2 (2 layers, 64 wide) on a word-level vocabulary, with a scalar head read at the last token.
var tokenizer = new WordTokenizer(SyntheticFeedback.Corpus());
var config = new Gpt2Config
{
    VocabSize = tokenizer.VocabularySize,
    MaxPositions = 64,
    EmbeddingSize = 64,
    LayerCount = 2,
    HeadCount = 4,
    EmbeddingDropout = 0f,
    ResidualDropout = 0f,
    AttentionDropout = 0f,
    BosTokenId = 0,
    EosTokenId = 0,
};
var model = new RewardModel(new Gpt2Model(config, new RandomGenerator(3)), RewardPooling.LastToken, seed: 4);
Console.WriteLine($"Model: {model.ParameterCount:N0} parameters, vocabulary of {tokenizer.VocabularySize} words.");

// 3. Train.
var trainer = RewardModelTrainer.CreateBuilder()
    .WithModel(model)
    .WithTokenizer(tokenizer)
    .WithTrainingData(train)
    .WithEvaluationData(heldOut)
    .WithProgress(new ConsoleProgressBar())
    .Configure(o =>
    {
        o.Epochs = 3;
        o.BatchSize = 16;
        o.LearningRate = 2e-3;
        o.WarmupRatio = 0.1;
        o.MaxLength = 64;
    })
    .Build();

var before = trainer.Evaluate();
Console.WriteLine($"Held-out accuracy before training: {before.Accuracy:P1} (loss {before.Loss:F4})");
var result = trainer.Train();
var after = result.Evaluation!;
Console.WriteLine($"Held-out accuracy after training:  {after.Accuracy:P1} (loss {after.Loss:F4}, mean margin {after.MeanMargin:F2}) after {result.Steps} steps in {result.Elapsed.TotalSeconds:F0} s");

// 4. Score answers from bad to good, as the KoChatGPT notebook did with its reward model.
var prompt = SyntheticFeedback.Prompt("ai");
string[] answers =
[
    "ai is stupid . stop asking .",
    "ai is a thing .",
    "ai is something people talk about . i hope this helps .",
    "ai is a field of computer science that studies machines that learn .",
    "ai is a field of computer science that studies machines that learn . it helps people predict patterns in data with models . i hope this helps .",
];
Console.WriteLine();
Console.WriteLine($"Rewards for \"{prompt}\":");
var rewards = trainer.Score(answers.Select(a => (prompt, a)));
for (var i = 0; i < answers.Length; i++)
{
    Console.WriteLine($"  {rewards[i],7:F3}  {answers[i]}");
}

Console.WriteLine($"Done in {stopwatch.Elapsed.TotalSeconds:F0} s.");
