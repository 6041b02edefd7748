using Alignment.NN;
using Alignment.Optim;

namespace Alignment.Tests.NN;

/// <summary>A 2-layer causal transformer language model built only from the engine's modules learns a toy language.</summary>
public class TinyTransformerTrainingTests
{
    [Fact]
    public void TinyTransformer_LearnsRepeatingSequences_LossFallsTenfold()
    {
        const int vocab = 16, t = 12, batch = 8;
        var random = new RandomGenerator(11);
        var model = new TinyTransformer(vocab, dim: 32, heads: 4, layers: 2, maxPositions: t, random);
        var optimizer = new AdamW(model.NamedParameters(), new AdamWOptions { LearningRate = 3e-3, WeightDecay = 0.0 });
        var data = new RandomGenerator(12);
        float first = 0, last = 0;
        for (var step = 0; step < 250; step++)
        {
            using var scope = TensorScope.Begin();
            // Each sequence counts up from a random start modulo the vocabulary: the next token is predictable.
            var ids = new IntTensor(batch, t);
            var targets = new IntTensor(batch, t);
            for (var r = 0; r < batch; r++)
            {
                var start = data.NextInt(vocab);
                var stride = 1 + data.NextInt(2);
                for (var j = 0; j < t; j++)
                {
                    ids[r, j] = (start + (j * stride)) % vocab;
                    targets[r, j] = j < 2 ? -100 : (start + ((j + 1) * stride)) % vocab;
                }
            }

            var loss = Tensor.CrossEntropy(model.Forward(ids), targets);
            optimizer.ZeroGrad();
            loss.Backward();
            GradientClipping.ClipGradNorm(model.Parameters(), 1.0);
            optimizer.Step();
            if (step == 0)
            {
                first = loss.Item();
            }

            last = loss.Item();
        }

        Assert.True(last < first / 10f, $"loss fell from {first} to {last}, less than tenfold");
    }

    private sealed class TinyTransformer : Module
    {
        private readonly int _heads;
        private readonly Embedding _tokens;
        private readonly Embedding _positions;
        private readonly ModuleList<Block> _blocks;
        private readonly LayerNorm _final;
        private readonly Linear _head;

        public TinyTransformer(int vocab, int dim, int heads, int layers, int maxPositions, RandomGenerator random)
        {
            _heads = heads;
            _tokens = RegisterModule("wte", new Embedding(vocab, dim, random));
            _positions = RegisterModule("wpe", new Embedding(maxPositions, dim, random));
            _blocks = RegisterModule("h", new ModuleList<Block>(Enumerable.Range(0, layers).Select(_ => new Block(dim, random))));
            _final = RegisterModule("ln_f", new LayerNorm(dim));
            _head = RegisterModule("head", new Linear(dim, vocab, bias: false, random));
        }

        public Tensor Forward(IntTensor ids)
        {
            int b = ids.Size(0), t = ids.Size(1);
            var positions = new IntTensor(Enumerable.Range(0, b * t).Select(i => i % t).ToArray(), b, t);
            var x = _tokens.Forward(ids) + _positions.Forward(positions);
            foreach (var block in _blocks)
            {
                x = block.Forward(x, _heads);
            }

            return _head.Forward(_final.Forward(x));
        }
    }

    private sealed class Block : Module
    {
        private readonly LayerNorm _ln1;
        private readonly Linear _qkv;
        private readonly Linear _proj;
        private readonly LayerNorm _ln2;
        private readonly Linear _fc;
        private readonly Linear _out;

        public Block(int dim, RandomGenerator random)
        {
            _ln1 = RegisterModule("ln_1", new LayerNorm(dim));
            _qkv = RegisterModule("qkv", new Linear(dim, 3 * dim, random: random));
            _proj = RegisterModule("proj", new Linear(dim, dim, random: random));
            _ln2 = RegisterModule("ln_2", new LayerNorm(dim));
            _fc = RegisterModule("fc", new Linear(dim, 4 * dim, random: random));
            _out = RegisterModule("out", new Linear(4 * dim, dim, random: random));
        }

        public Tensor Forward(Tensor x, int heads)
        {
            int b = x.Size(0), t = x.Size(1), c = x.Size(2);
            var qkv = _qkv.Forward(_ln1.Forward(x)).Reshape(b, t, 3, heads, c / heads).Permute(2, 0, 3, 1, 4);
            var q = qkv.Narrow(0, 0, 1).Squeeze(0);
            var k = qkv.Narrow(0, 1, 1).Squeeze(0);
            var v = qkv.Narrow(0, 2, 1).Squeeze(0);
            var y = Tensor.ScaledDotProductAttention(q, k, v, causal: true).Permute(0, 2, 1, 3).Reshape(b, t, c);
            x = x + _proj.Forward(y);
            return x + _out.Forward(Tensor.Gelu(_fc.Forward(_ln2.Forward(x))));
        }
    }
}
