using System.Diagnostics;
using Xunit.Abstractions;
using Alignment.IO;

namespace Alignment.Tests.IO;

public class SafetensorsFuzzTests(ITestOutputHelper output)
{
    private const int Iterations = 15_000;

    private static byte[][] Seeds() =>
    [
        SafetensorsWriter.ToArray(
            [
                SafetensorsTensor.FromSingle("w", [2, 3], new[] { 1f, -2f, 3.5f, 0f, 1e-3f, 7f }),
                SafetensorsTensor.FromSingle("h", [3], new[] { 1f, 0.5f, -4f }, SafetensorsDType.F16),
                SafetensorsTensor.FromSingle("b", [2], new[] { 1f, -2.5f }, SafetensorsDType.BF16),
                SafetensorsTensor.FromInt64("ids", [1, 2], new[] { 5L, 1L << 40 }),
                SafetensorsTensor.FromInt32("mask", [2], new[] { 1, 0 }),
            ],
            new Dictionary<string, string> { ["format"] = "pt", ["note"] = "seed" }),
        SafetensorsWriter.ToArray(
            [
                SafetensorsTensor.FromSingle("scalar", [], new[] { 2f }),
                SafetensorsTensor.FromSingle("empty", [0, 4], Array.Empty<float>()),
                SafetensorsTensor.FromInt64("emptyIds", [0], Array.Empty<long>()),
            ]),
        SafetensorsWriter.ToArray([SafetensorsTensor.FromSingle("x", [4], new[] { 1f, 2f, 3f, 4f })]),
        SafetensorsWriter.ToArray([]),
    ];

    [Fact]
    public void Load_RandomMutations_OnlyEverThrowFormatException()
    {
        byte[][] seeds = Seeds();
        var mutator = new SafetensorsMutator(seed: 20240611);
        int accepted = 0, rejected = 0;
        var clock = Stopwatch.StartNew();

        for (int i = 0; i < Iterations; i++)
        {
            byte[] mutated = mutator.Mutate(seeds[i % seeds.Length]);
            try
            {
                using SafetensorsFile file = i % 5 == 0 ? SafetensorsFile.Load(new MemoryStream(mutated)) : SafetensorsFile.Load(mutated);
                ReadEverything(file);
                accepted++;
            }
            catch (SafetensorsFormatException)
            {
                rejected++;
            }
            catch (Exception ex)
            {
                Assert.Fail($"Iteration {i}: {ex.GetType().Name}: {ex.Message}\nInput (base64): {Convert.ToBase64String(mutated)}\n{ex}");
            }
        }

        output.WriteLine($"{Iterations} mutations: {accepted} accepted, {rejected} rejected, {clock.Elapsed.TotalSeconds:F2} s.");

        // Both outcomes must be well represented, or the mutations are too timid or too destructive to mean much.
        Assert.True(accepted > Iterations / 50, $"Only {accepted} mutated files were accepted.");
        Assert.True(rejected > Iterations / 2, $"Only {rejected} mutated files were rejected.");
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(20), $"Fuzzing took {clock.Elapsed}.");
    }

    private static void ReadEverything(SafetensorsFile file)
    {
        foreach (SafetensorsTensorInfo tensor in file.Tensors)
        {
            long count = tensor.DType.IsFloatingPoint() ? file.ReadSingle(tensor.Name).Length : file.ReadInt64(tensor.Name).Length;
            Assert.Equal(tensor.ElementCount, count);
            Assert.Equal(tensor.ByteLength, file.ReadBytes(tensor.Name).Length);
        }

        foreach (KeyValuePair<string, string> pair in file.Metadata)
        {
            Assert.NotNull(pair.Value);
        }
    }
}
