using System.Buffers.Binary;
using Alignment.IO;

namespace Alignment.Tests.IO;

/// <summary>Reads the tiny GPT-2 fixtures; expected values were computed with NumPy from the raw file bytes.</summary>
public class TinyGpt2FixtureTests
{
    private static string FixturePath(string name) => Path.Combine(AppContext.BaseDirectory, "Fixtures", "tiny-gpt2", name);

    private static float[] Bits(params uint[] bits) => [.. bits.Select(BitConverter.UInt32BitsToSingle)];

    private static double Sum(float[] values) => values.Sum(v => (double)v);

    [Fact]
    public void Model_HasGpt2TensorsWithShapes()
    {
        using var file = SafetensorsFile.Open(FixturePath("model.safetensors"));

        Assert.Equal(30, file.Tensors.Count);
        Assert.All(file.Tensors, t => Assert.Equal(SafetensorsDType.F32, t.DType));
        Assert.Equal("pt", file.Metadata["format"]);
        Assert.Equal([1000, 32], file.GetTensor("wte.weight").Shape);
        Assert.Equal([64, 32], file.GetTensor("wpe.weight").Shape);
        Assert.Equal([32], file.GetTensor("ln_f.weight").Shape);
        Assert.Equal([32], file.GetTensor("ln_f.bias").Shape);
        for (int layer = 0; layer < 2; layer++)
        {
            string h = $"h.{layer}.";
            Assert.Equal([32], file.GetTensor(h + "ln_1.weight").Shape);
            Assert.Equal([32], file.GetTensor(h + "ln_1.bias").Shape);
            Assert.Equal([32, 96], file.GetTensor(h + "attn.c_attn.weight").Shape);
            Assert.Equal([96], file.GetTensor(h + "attn.c_attn.bias").Shape);
            Assert.Equal([32, 32], file.GetTensor(h + "attn.c_proj.weight").Shape);
            Assert.Equal([32], file.GetTensor(h + "attn.c_proj.bias").Shape);
            Assert.Equal([32], file.GetTensor(h + "ln_2.weight").Shape);
            Assert.Equal([32], file.GetTensor(h + "ln_2.bias").Shape);
            Assert.Equal([32, 128], file.GetTensor(h + "mlp.c_fc.weight").Shape);
            Assert.Equal([128], file.GetTensor(h + "mlp.c_fc.bias").Shape);
            Assert.Equal([128, 32], file.GetTensor(h + "mlp.c_proj.weight").Shape);
            Assert.Equal([32], file.GetTensor(h + "mlp.c_proj.bias").Shape);
            Assert.Equal([1, 1, 64, 64], file.GetTensor(h + "attn.bias").Shape);
        }

        Assert.DoesNotContain(file.Tensors, t => t.Name.StartsWith("transformer.", StringComparison.Ordinal));
    }

    [Fact]
    public void Model_ValuesMatchIndependentlyComputedReference()
    {
        using var file = SafetensorsFile.Open(FixturePath("model.safetensors"));

        float[] wte = file.ReadSingle("wte.weight");
        Assert.Equal(Bits(0xBD0947A0, 0xBE188D70, 0x3D48628E, 0xBE876D60), wte[..4]);
        Assert.Equal(Bits(0xBE2ED0D0, 0xBE50CF05, 0xBDC9FA41, 0xBDBC956C), wte[^4..]);
        Assert.Equal(10.648144942552108, Sum(wte), 1e-9);

        float[] cAttn = file.ReadSingle("h.0.attn.c_attn.weight");
        Assert.Equal(BitConverter.UInt32BitsToSingle(0xBE01EC1B), cAttn[(1 * 96) + 2]);
        Assert.Equal(BitConverter.UInt32BitsToSingle(0xBE8F7773), cAttn[(31 * 96) + 95]);
        Assert.Equal(15.411239787012164, Sum(cAttn), 1e-9);

        float[] ln1 = file.ReadSingle("h.0.ln_1.weight");
        Assert.Equal(Bits(0x3F6E2E13, 0x3F651F83, 0x3F88B3B2, 0x3F7FF437), ln1[..4]);
        Assert.Equal(31.390272200107574, Sum(ln1), 1e-9);
        Assert.Equal(5.951630120282061, Sum(file.ReadSingle("wpe.weight")), 1e-9);
        Assert.Equal(0.16877009719610214, Sum(file.ReadSingle("ln_f.bias")), 1e-9);
    }

    [Fact]
    public void Model_AttentionBiasIsLowerTriangularMask()
    {
        using var file = SafetensorsFile.Open(FixturePath("model.safetensors"));

        float[] mask = file.ReadSingle("h.1.attn.bias");
        for (int i = 0; i < 64; i++)
        {
            for (int j = 0; j < 64; j++)
            {
                Assert.Equal(j <= i ? 1f : 0f, mask[(i * 64) + j]);
            }
        }
    }

    [Fact]
    public void Model_EveryTensorMatchesRawBytesAndIsFinite()
    {
        byte[] raw = File.ReadAllBytes(FixturePath("model.safetensors"));
        long dataStart = 8 + (long)BinaryPrimitives.ReadUInt64LittleEndian(raw);
        using var file = SafetensorsFile.Open(FixturePath("model.safetensors"));

        Assert.Equal(dataStart, file.DataSectionOffset);
        Assert.Equal(raw.Length - dataStart, file.Tensors.Max(t => t.DataEnd));
        foreach (SafetensorsTensorInfo tensor in file.Tensors)
        {
            float[] values = file.ReadSingle(tensor.Name);
            Assert.Equal(tensor.ElementCount, values.Length);
            for (int i = 0; i < values.Length; i++)
            {
                int at = (int)(dataStart + tensor.DataBegin) + (i * 4);
                Assert.Equal(BinaryPrimitives.ReadSingleLittleEndian(raw.AsSpan(at)), values[i]);
                Assert.True(float.IsFinite(values[i]), $"{tensor.Name}[{i}] is not finite.");
            }
        }
    }

    [Fact]
    public void Reference_InputIdsAndOutputs()
    {
        using var file = SafetensorsFile.Open(FixturePath("reference.safetensors"));

        Assert.Equal(SafetensorsDType.I64, file.GetTensor("input_ids").DType);
        Assert.Equal([2, 12], file.GetTensor("input_ids").Shape);
        Assert.Equal(
            [562, 676, 138, 765, 791, 509, 560, 108, 464, 241, 713, 634, 562, 768, 65, 238, 957, 629, 131, 821, 470, 709, 31, 364],
            file.ReadInt64("input_ids"));
        Assert.Equal([590, 434, 504, 834, 616], file.ReadInt32("greedy.prompt"));
        Assert.Equal([590, 434, 504, 834, 616, 453, 276, 417, 417, 417, 736, 213, 213, 213, 213], file.ReadInt64("greedy.output"));
        Assert.Equal([0, 0, 0, 0, 0, 1, 2, 3, 4, 5, 6, 7], file.ReadInt64("padded.position_ids")[12..]);
        Assert.Equal([0, 0, 0, 0, 1, 1, 1, 1, 1, 1, 1, 1], file.ReadInt64("padded.attention_mask")[12..]);

        Assert.Equal([BitConverter.UInt32BitsToSingle(0x410C2C11)], file.ReadSingle("loss"));
        float[] logits = file.ReadSingle("logits");
        Assert.Equal([2, 12, 1000], file.GetTensor("logits").Shape);
        Assert.Equal(BitConverter.UInt32BitsToSingle(0xC022C45D), logits[^1]);
        Assert.Equal(-1769.4829092567088, Sum(logits), 1e-6);
        Assert.Equal([1000, 32], file.GetTensor("grad.wte.weight").Shape);
        Assert.StartsWith("outputs of the Hugging Face GPT-2 forward", file.Metadata["what"], StringComparison.Ordinal);
    }

    [Fact]
    public void Model_RewrittenByWriter_ReadsBackIdentically()
    {
        using var original = SafetensorsFile.Open(FixturePath("model.safetensors"));
        SafetensorsTensor[] tensors =
        [
            .. original.Tensors.Select(t => SafetensorsTensor.FromSingle(t.Name, t.GetShapeArray(), original.ReadSingle(t.Name))),
        ];

        using var copy = SafetensorsFile.Load(SafetensorsWriter.ToArray(tensors, original.Metadata));

        Assert.Equal(original.Tensors.Select(t => t.Name).Order(StringComparer.Ordinal), copy.Tensors.Select(t => t.Name));
        foreach (SafetensorsTensorInfo tensor in original.Tensors)
        {
            Assert.Equal(tensor.Shape, copy.GetTensor(tensor.Name).Shape);
            Assert.Equal(original.ReadSingle(tensor.Name), copy.ReadSingle(tensor.Name));
        }
    }
}
