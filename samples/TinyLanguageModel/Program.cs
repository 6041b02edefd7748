// Trains a tiny GPT-2 from scratch on a toy language (arithmetic progressions modulo the vocabulary)
// with the engine's autograd and AdamW, and prints the loss falling.
using System.Diagnostics;
using Alignment;
using Alignment.Models.Gpt2;
using Alignment.Optim;

const int Vocab = 32, Context = 24, Batch = 16, Steps = 300;
var config = new Gpt2Config
{
    VocabSize = Vocab, MaxPositions = Context, EmbeddingSize = 64, LayerCount = 2, HeadCount = 4,
    EmbeddingDropout = 0f, ResidualDropout = 0f, AttentionDropout = 0f, BosTokenId = 0, EosTokenId = 0,
};
var model = new Gpt2LanguageModel(config, seed: 1);
model.Train();
var optimizer = new AdamW(model.NamedParameters(), new AdamWOptions { LearningRate = 3e-3, WeightDecay = 0.01 });
var schedule = new LearningRateScheduler(optimizer, new LinearWithWarmupSchedule(20, Steps));
var data = new RandomGenerator(2);
var clock = Stopwatch.StartNew();
Console.WriteLine($"Tiny GPT-2: {model.ParameterCount:N0} parameters; {Steps} steps of {Batch}x{Context} tokens");
for (var step = 1; step <= Steps; step++)
{
    using var scope = TensorScope.Begin();
    var ids = new IntTensor(Batch, Context);
    var targets = new IntTensor(Batch, Context);
    for (var r = 0; r < Batch; r++)
    {
        int start = data.NextInt(Vocab), stride = 1 + data.NextInt(3);
        for (var j = 0; j < Context; j++)
        {
            ids[r, j] = (start + (j * stride)) % Vocab;
            // The first two tokens do not determine the stride yet: no loss there.
            targets[r, j] = j < 1 ? -100 : (start + ((j + 1) * stride)) % Vocab;
        }
    }

    var loss = Tensor.CrossEntropy(model.Forward(ids), targets);
    optimizer.ZeroGrad();
    loss.Backward();
    GradientClipping.ClipGradNorm(model.Parameters(), 1.0);
    optimizer.Step();
    schedule.Step();
    if (step == 1 || step % 25 == 0)
    {
        Console.WriteLine($"step {step,4}  loss {loss.Item():F4}  ({clock.Elapsed.TotalSeconds:F1} s)");
    }
}
