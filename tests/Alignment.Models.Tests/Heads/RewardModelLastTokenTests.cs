using Alignment.Models.Gpt2;
using Alignment.Models.Heads;
using Alignment.Models.Tests.Testing;

namespace Alignment.Models.Tests.Heads;

/// <summary>The last-token path of <see cref="RewardModel.Forward"/> against the full pass (values at every position, then pooled).</summary>
public class RewardModelLastTokenTests
{
    private const int Pad = TinyGpt2.Eos;

    public static TheoryData<string> Paddings => ["none", "unmasked", "left", "right", "mixed"];

    [Theory]
    [MemberData(nameof(Paddings))]
    public void Forward_LastToken_EqualsTheFullPass(string padding)
    {
        var model = new RewardModel(TinyGpt2.CreateBackbone(), seed: 3);
        model.Eval();
        var (ids, mask) = Batch(padding);
        using var _ = Tensor.NoGrad();

        var fast = model.Forward(ids, mask).ToArray();
        var full = RewardModel.Pool(model.ForwardValues(ids, mask), mask, RewardPooling.LastToken).ToArray();

        Assert.Equal(ids.Size(0), fast.Length);
        TinyGpt2.AssertClose(full, fast, 1e-5, $"rewards ({padding})");
    }

    [Theory]
    [MemberData(nameof(Paddings))]
    public void Forward_LastToken_GradientsEqualTheFullPass(string padding)
    {
        var (ids, mask) = Batch(padding);
        var fastModel = new RewardModel(TinyGpt2.CreateBackbone(), seed: 3); // training mode, no dropout: the fast path
        var fullModel = new RewardModel(TinyGpt2.CreateBackbone(), seed: 3);
        var weights = Tensor.FromArray(Enumerable.Range(0, ids.Size(0)).Select(r => 1f - (0.7f * r)).ToArray(), ids.Size(0));

        (fastModel.Forward(ids, mask) * weights).Sum().Backward();
        (RewardModel.Pool(fullModel.ForwardValues(ids, mask), mask, RewardPooling.LastToken) * weights).Sum().Backward();

        var fullGrads = fullModel.NamedParameters().ToDictionary(p => p.Name, p => p.Parameter.Grad?.ToArray());
        foreach (var (name, parameter) in fastModel.NamedParameters())
        {
            var expected = fullGrads[name];
            var actual = parameter.Grad?.ToArray();
            Assert.True(expected is not null && actual is not null, $"{name}: missing gradient ({padding})");
            var scale = expected!.Max(MathF.Abs);
            Assert.True(scale > 0f || name.StartsWith("transformer.wpe", StringComparison.Ordinal) || name.StartsWith("transformer.wte", StringComparison.Ordinal), $"{name}: zero gradient ({padding})");
            TinyGpt2.AssertClose(expected, actual!, (1e-4 * scale) + 1e-8, $"{name} gradient ({padding})");
        }
    }

    [Fact]
    public void ForwardAt_AnyPositions_EqualsTheFullHiddenStatesThere()
    {
        var backbone = TinyGpt2.CreateBackbone();
        backbone.Eval();
        var (ids, mask) = Batch("mixed");
        int b = ids.Size(0), t = ids.Size(1), c = TinyGpt2.Config.EmbeddingSize;
        var keep = new IntTensor([0, 3, t - 1, 2], b);
        using var _ = Tensor.NoGrad();

        var at = backbone.ForwardAt(ids, mask, keep).ToArray();
        var full = backbone.Forward(ids, mask).ToArray();

        Assert.Equal(b * c, at.Length);
        for (var r = 0; r < b; r++)
        {
            var row = keep.Data[r];
            TinyGpt2.AssertClose(full.AsSpan(((r * t) + row) * c, c).ToArray(), at.AsSpan(r * c, c).ToArray(), 1e-5, $"row {r} at {row}");
        }
    }

    [Fact]
    public void ForwardAt_BadPositions_Throw()
    {
        var backbone = TinyGpt2.CreateBackbone();
        var ids = TinyGpt2.Ids();
        Assert.Throws<ArgumentOutOfRangeException>(() => backbone.ForwardAt(ids, null, new IntTensor([0, 6], 2)));
        Assert.Throws<ArgumentException>(() => backbone.ForwardAt(ids, null, new IntTensor([0, 1, 2], 3)));
    }

    [Theory]
    [InlineData(0.1f, 0f)]
    [InlineData(0f, 0.1f)]
    public void Forward_DropoutInTraining_RunsTheFullPass(float backboneDropout, float headDropout)
    {
        var config = TinyGpt2.Config with { EmbeddingDropout = backboneDropout, ResidualDropout = backboneDropout };
        var (ids, mask) = Batch("mixed");
        RewardModel Create() => new(new Gpt2Model(config, new RandomGenerator(1)), seed: 3, headDropout: headDropout);
        var model = Create();
        var reference = Create();

        // Same seeds: the full pass draws the same dropout masks, so the rewards are identical; the last-token path
        // would draw fewer and differ.
        var rewards = model.Forward(ids, mask).ToArray();
        var expected = RewardModel.Pool(reference.ForwardValues(ids, mask), mask, RewardPooling.LastToken).ToArray();
        Assert.Equal(expected, rewards);

        model.Eval();
        reference.Eval();
        using var _ = Tensor.NoGrad();
        TinyGpt2.AssertClose(
            RewardModel.Pool(reference.ForwardValues(ids, mask), mask, RewardPooling.LastToken).ToArray(),
            model.Forward(ids, mask).ToArray(),
            1e-5,
            "evaluation rewards");
    }

    /// <summary>Four rows of 7 tokens, padded as <paramref name="padding"/> says (null mask for "none").</summary>
    private static (IntTensor Ids, IntTensor? Mask) Batch(string padding)
    {
        const int T = 7;
        int[][] rows = [[3, 14, 15, 9, 26, 5, Pad], [35, 8, 9], [7, 9, 11, 13, 2], [4]];
        var ids = new List<int>();
        var mask = new List<int>();
        for (var r = 0; r < rows.Length; r++)
        {
            var row = padding is "none" or "unmasked" ? [.. rows[r], .. Enumerable.Range(0, T - rows[r].Length).Select(i => (5 * i) + 1)] : rows[r];
            var free = T - row.Length;
            var left = padding switch
            {
                "left" => free,
                "mixed" => r % 3 == 0 ? free : r % 3 == 1 ? 0 : free / 2,
                _ => 0,
            };
            ids.AddRange([.. Enumerable.Repeat(Pad, left), .. row, .. Enumerable.Repeat(Pad, free - left)]);
            mask.AddRange([.. Enumerable.Repeat(0, left), .. Enumerable.Repeat(1, row.Length), .. Enumerable.Repeat(0, free - left)]);
        }

        return (new IntTensor([.. ids], rows.Length, T), padding == "none" ? null : new IntTensor([.. mask], rows.Length, T));
    }
}
