using Alignment.IO;
using Alignment.Models.Gpt2;
using Alignment.Models.Tests.Testing;

namespace Alignment.Models.Tests.Gpt2;

public class Gpt2CheckpointTests
{
    [Fact]
    public void SavePretrained_ThenFromPretrained_GivesBitEqualLogits()
    {
        using var dir = new TempDirectory();
        var model = TinyGpt2.CreateLanguageModel();
        model.SavePretrained(dir.Path);

        var loaded = Gpt2LanguageModel.FromPretrained(dir.Path);

        Assert.Equal(TinyGpt2.Config, loaded.Config);
        Assert.Equal(TinyGpt2.Logits(model, TinyGpt2.Ids()), TinyGpt2.Logits(loaded, TinyGpt2.Ids()));
        Assert.False(loaded.IsTraining);
        Assert.Equal(["config.json", "model.safetensors"], dir.EntryNames());
        using var file = SafetensorsFile.Open(dir.File("model.safetensors"));
        Assert.Contains(file.Tensors, t => t.Name == "wte.weight");
        Assert.DoesNotContain(file.Tensors, t => t.Name.StartsWith("transformer.", StringComparison.Ordinal));
    }

    [Fact]
    public void FromPretrained_KeysWithTransformerPrefixAndBuffers_Load()
    {
        using var dir = new TempDirectory();
        var model = TinyGpt2.CreateLanguageModel();
        var tensors = CheckpointFolder.Tensors(model.Transformer, prefix: "transformer.");
        tensors.Add(SafetensorsTensor.FromSingle("lm_head.weight", [50, 16], model.Transformer.TokenEmbedding.Weight.ToArray()));
        tensors.Add(CheckpointFolder.Filled("transformer.h.0.attn.bias", 1f, 1, 1, 16, 16));
        tensors.Add(CheckpointFolder.Filled("transformer.h.1.attn.masked_bias", -1e4f));
        CheckpointFolder.Write(dir.Path, model.Config, tensors);

        var loaded = Gpt2LanguageModel.FromPretrained(dir.Path);

        Assert.Equal(TinyGpt2.Logits(model, TinyGpt2.Ids()), TinyGpt2.Logits(loaded, TinyGpt2.Ids()));
    }

    [Theory]
    [InlineData(SafetensorsDType.F16, 2e-3)]
    [InlineData(SafetensorsDType.BF16, 2e-2)]
    public void FromPretrained_HalfPrecisionWeights_AreConverted(SafetensorsDType dtype, double tolerance)
    {
        using var dir = new TempDirectory();
        var model = TinyGpt2.CreateLanguageModel();
        CheckpointFolder.Write(dir.Path, model.Config, CheckpointFolder.Tensors(model.Transformer, dtype: dtype));

        var loaded = Gpt2LanguageModel.FromPretrained(dir.Path);

        var expected = TinyGpt2.Logits(model, TinyGpt2.Ids());
        var actual = TinyGpt2.Logits(loaded, TinyGpt2.Ids());
        Assert.NotEqual(expected, actual); // rounded weights, so not bit-equal ...
        TinyGpt2.AssertClose(expected, actual, tolerance, $"{dtype} logits"); // ... but close
    }

    [Fact]
    public void FromPretrained_MissingKey_IsReported()
    {
        var message = LoadError(tensors => tensors.RemoveAll(t => t.Name == "ln_f.bias"));

        Assert.Contains("missing keys: ln_f.bias", message, StringComparison.Ordinal);
    }

    [Fact]
    public void FromPretrained_UnexpectedKey_IsReported()
    {
        var message = LoadError(tensors => tensors.Add(CheckpointFolder.Filled("h.7.mlp.c_fc.weight", 0f, 2, 2)));

        Assert.Contains("unexpected keys: h.7.mlp.c_fc.weight", message, StringComparison.Ordinal);
    }

    [Fact]
    public void FromPretrained_WrongShape_IsReported()
    {
        var message = LoadError(tensors => Replace(tensors, CheckpointFolder.Filled("wpe.weight", 0f, 8, 16)));

        Assert.Contains("'wpe.weight' has shape [8, 16] in the file but [16, 16] in the model", message, StringComparison.Ordinal);
    }

    [Fact]
    public void FromPretrained_SeveralProblems_AreReportedTogether()
    {
        var message = LoadError(tensors =>
        {
            tensors.RemoveAll(t => t.Name is "ln_f.bias" or "h.1.ln_2.weight");
            tensors.Add(CheckpointFolder.Filled("score.weight", 0f, 1, 16));
            Replace(tensors, CheckpointFolder.Filled("h.0.attn.c_attn.weight", 0f, 48, 16));
        });

        Assert.Contains("missing keys: h.1.ln_2.weight, ln_f.bias", message, StringComparison.Ordinal);
        Assert.Contains("unexpected keys: score.weight", message, StringComparison.Ordinal);
        Assert.Contains("'h.0.attn.c_attn.weight' has shape [48, 16] in the file but [16, 48] in the model", message, StringComparison.Ordinal);
    }

    [Fact]
    public void FromPretrained_KeyWithAndWithoutPrefix_IsReportedAsDuplicate()
    {
        var message = LoadError(tensors => tensors.Add(CheckpointFolder.Filled("transformer.ln_f.bias", 0f, 16)));

        Assert.Contains("'ln_f.bias' appears twice", message, StringComparison.Ordinal);
    }

    [Fact]
    public void SavePretrained_OverAnExistingCheckpoint_ReplacesItAndLeavesNoTemporaryFiles()
    {
        using var dir = new TempDirectory();
        TinyGpt2.CreateLanguageModel(seed: 1).SavePretrained(dir.Path);
        var second = TinyGpt2.CreateLanguageModel(seed: 2);

        second.SavePretrained(dir.Path);

        Assert.Equal(["config.json", "model.safetensors"], dir.EntryNames());
        Assert.Equal(TinyGpt2.Logits(second, TinyGpt2.Ids()), TinyGpt2.Logits(Gpt2LanguageModel.FromPretrained(dir.Path), TinyGpt2.Ids()));
    }

    [Fact]
    public void Save_FailingMidWrite_LeavesTheOldCheckpointIntact()
    {
        using var dir = new TempDirectory();
        var model = TinyGpt2.CreateLanguageModel(seed: 1);
        model.SavePretrained(dir.Path);
        var oldWeights = File.ReadAllBytes(dir.File("model.safetensors"));
        var oldConfig = File.ReadAllBytes(dir.File("config.json"));

        // A different model and configuration whose save fails after the header and some tensor data were written.
        var other = TinyGpt2.CreateLanguageModel(seed: 2);
        var tensors = CheckpointFolder.Tensors(other.Transformer);
        tensors.Add(SafetensorsTensor.FromSingle("zz.weight", [4], new ThrowingMemory(4).AsMemory()));
        var error = Assert.Throws<IOException>(() => Gpt2Checkpoint.Save(dir.Path, other.Config with { LayerNormEpsilon = 1e-6f }, tensors));

        Assert.Contains("Simulated failure", error.Message, StringComparison.Ordinal);
        AssertIntact(dir, oldWeights, oldConfig, model);
    }

    [Fact]
    public void Save_TensorEnumerationThrows_LeavesTheOldCheckpointIntact()
    {
        using var dir = new TempDirectory();
        var model = TinyGpt2.CreateLanguageModel(seed: 1);
        model.SavePretrained(dir.Path);
        var oldWeights = File.ReadAllBytes(dir.File("model.safetensors"));
        var oldConfig = File.ReadAllBytes(dir.File("config.json"));

        var other = TinyGpt2.CreateLanguageModel(seed: 2);
        Assert.Throws<InvalidOperationException>(() => Gpt2Checkpoint.Save(dir.Path, other.Config, FailAfter(CheckpointFolder.Tensors(other.Transformer), 3)));

        AssertIntact(dir, oldWeights, oldConfig, model);
    }

    private static void AssertIntact(TempDirectory dir, byte[] oldWeights, byte[] oldConfig, Gpt2LanguageModel model)
    {
        Assert.Equal(["config.json", "model.safetensors"], dir.EntryNames());
        Assert.Equal(oldWeights, File.ReadAllBytes(dir.File("model.safetensors")));
        Assert.Equal(oldConfig, File.ReadAllBytes(dir.File("config.json")));
        Assert.Equal(TinyGpt2.Logits(model, TinyGpt2.Ids()), TinyGpt2.Logits(Gpt2LanguageModel.FromPretrained(dir.Path), TinyGpt2.Ids()));
    }

    private static IEnumerable<SafetensorsTensor> FailAfter(IEnumerable<SafetensorsTensor> tensors, int count)
    {
        foreach (var tensor in tensors.Take(count))
        {
            yield return tensor;
        }

        throw new InvalidOperationException("Simulated failure while producing the tensors.");
    }

    private static void Replace(List<SafetensorsTensor> tensors, SafetensorsTensor replacement)
    {
        var index = tensors.FindIndex(t => t.Name == replacement.Name);
        Assert.True(index >= 0, replacement.Name);
        tensors[index] = replacement;
    }

    /// <summary>Writes the tiny model's tensors changed by <paramref name="edit"/> and returns the loader's error message.</summary>
    private static string LoadError(Action<List<SafetensorsTensor>> edit)
    {
        using var dir = new TempDirectory();
        var model = TinyGpt2.CreateLanguageModel();
        var tensors = CheckpointFolder.Tensors(model.Transformer);
        edit(tensors);
        CheckpointFolder.Write(dir.Path, model.Config, tensors);
        return Assert.Throws<InvalidDataException>(() => Gpt2LanguageModel.FromPretrained(dir.Path)).Message;
    }
}
