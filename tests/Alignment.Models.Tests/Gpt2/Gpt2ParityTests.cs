using Alignment.IO;
using Alignment.Models.Gpt2;

namespace Alignment.Models.Tests.Gpt2;

/// <summary>Parity with the Hugging Face GPT-2 forward and backward on the tiny fixture (Fixtures/tiny-gpt2).</summary>
public class Gpt2ParityTests
{
    internal static readonly string FixtureDirectory = Path.Combine(AppContext.BaseDirectory, "Fixtures", "tiny-gpt2");

    [Fact]
    public void Forward_MatchesHuggingFaceLogits()
    {
        var model = Gpt2LanguageModel.FromPretrained(FixtureDirectory);
        using var reference = SafetensorsFile.Open(Path.Combine(FixtureDirectory, "reference.safetensors"));
        var ids = ReadIds(reference, "input_ids");
        using var _ = Tensor.NoGrad();
        var logits = model.Forward(ids).ToArray();
        AssertClose(reference.ReadSingle("logits"), logits, 1e-4, "logits");
    }

    [Fact]
    public void Loss_AndGradients_MatchHuggingFace()
    {
        var model = Gpt2LanguageModel.FromPretrained(FixtureDirectory);
        using var reference = SafetensorsFile.Open(Path.Combine(FixtureDirectory, "reference.safetensors"));
        var ids = ReadIds(reference, "input_ids");
        int b = ids.Size(0), t = ids.Size(1);
        var logits = model.Forward(ids);
        var targets = new IntTensor(b, t - 1);
        for (var r = 0; r < b; r++)
        {
            for (var j = 0; j < t - 1; j++)
            {
                targets.Data[(r * (t - 1)) + j] = ids.Data[(r * t) + j + 1];
            }
        }

        var loss = Tensor.CrossEntropy(logits.Slice(1, 0, t - 1), targets);
        Assert.Equal(reference.ReadSingle("loss")[0], loss.Item(), 1e-5);
        loss.Backward();
        var parameters = model.Transformer.NamedParameters().ToDictionary(p => p.Name, p => p.Parameter);
        foreach (var name in new[] { "wte.weight", "wpe.weight", "h.0.attn.c_attn.weight", "h.0.ln_1.weight", "h.1.mlp.c_proj.weight", "ln_f.bias" })
        {
            var expected = reference.ReadSingle("grad." + name);
            var actual = parameters[name].Grad!.ToArray();
            AssertRelative(expected, actual, 1e-3, name);
        }
    }

    [Fact]
    public void LeftPaddedBatch_MatchesHuggingFaceAtRealPositions()
    {
        var model = Gpt2LanguageModel.FromPretrained(FixtureDirectory);
        using var reference = SafetensorsFile.Open(Path.Combine(FixtureDirectory, "reference.safetensors"));
        var ids = ReadIds(reference, "padded.input_ids");
        var mask = ReadIds(reference, "padded.attention_mask");
        var positions = ReadIds(reference, "padded.position_ids");
        Assert.Equal(positions.Data, PositionIds.FromMask(mask, ids.Size(0), ids.Size(1), 0).Data);
        using var _ = Tensor.NoGrad();
        var logits = model.Forward(ids, mask).ToArray();
        var expected = reference.ReadSingle("padded.logits");
        var vocab = model.Config.VocabSize;
        var checkedRows = 0;
        for (var row = 0; row < mask.ElementCount; row++)
        {
            if (mask.Data[row] == 0)
            {
                continue;
            }

            checkedRows++;
            AssertClose(expected.AsSpan(row * vocab, vocab).ToArray(), logits.AsSpan(row * vocab, vocab).ToArray(), 1e-4, $"padded row {row}");
        }

        Assert.Equal(mask.Data.Count(m => m != 0), checkedRows);
        Assert.Contains(0, mask.Data);
    }

    internal static IntTensor ReadIds(SafetensorsFile file, string name)
    {
        var info = file.GetTensor(name);
        return new IntTensor(file.ReadInt32(name), info.GetShapeArray());
    }

    internal static void AssertClose(float[] expected, float[] actual, double tolerance, string what)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (var i = 0; i < expected.Length; i++)
        {
            Assert.True(Math.Abs(expected[i] - actual[i]) <= tolerance, $"{what}[{i}]: expected {expected[i]}, got {actual[i]}");
        }
    }

    private static void AssertRelative(float[] expected, float[] actual, double rtol, string what)
    {
        Assert.Equal(expected.Length, actual.Length);
        var scale = expected.Max(v => Math.Abs(v));
        for (var i = 0; i < expected.Length; i++)
        {
            var tol = (rtol * Math.Abs(expected[i])) + (1e-6 * scale) + 1e-7;
            Assert.True(Math.Abs(expected[i] - actual[i]) <= tol, $"grad {what}[{i}]: expected {expected[i]}, got {actual[i]}");
        }
    }
}
