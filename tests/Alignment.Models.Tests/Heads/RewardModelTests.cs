using Alignment.IO;
using Alignment.Models.Heads;
using Alignment.Models.Tests.Testing;

namespace Alignment.Models.Tests.Heads;

public class RewardModelTests
{
    private const int Pad = TinyGpt2.Eos; // pad == eos, and EOS also ends the real sequence

    private static readonly int[] Sequence = [3, 14, 15, 9, TinyGpt2.Eos];

    [Theory]
    [InlineData(RewardPooling.LastToken)]
    [InlineData(RewardPooling.Mean)]
    public void Forward_RightLeftOrBothSidesPadding_GivesTheUnpaddedReward(RewardPooling pooling)
    {
        var model = new RewardModel(TinyGpt2.CreateBackbone(), pooling, seed: 3);
        model.Eval();
        using var _ = Tensor.NoGrad();
        var unpadded = model.Forward(new IntTensor(Sequence, 1, Sequence.Length)).Item();
        Assert.Equal(unpadded, model.Forward(new IntTensor(Sequence, 1, Sequence.Length), Mask(0, Sequence.Length, 0)).Item());

        for (var padding = 1; padding <= 6; padding++)
        {
            // One batch: right-padded, left-padded, padded on both sides, and a full-length row of other tokens.
            var width = Sequence.Length + padding;
            var rows = new (int Left, int Right)[] { (0, padding), (padding, 0), (padding / 2, padding - (padding / 2)) };
            var ids = new List<int>();
            var mask = new List<int>();
            foreach (var (left, right) in rows)
            {
                ids.AddRange([.. Enumerable.Repeat(Pad, left), .. Sequence, .. Enumerable.Repeat(Pad, right)]);
                mask.AddRange(Mask(left, Sequence.Length, right).Data);
            }

            ids.AddRange(Enumerable.Range(0, width).Select(i => (7 * i) % 50));
            mask.AddRange(Enumerable.Repeat(1, width));

            var rewards = model.Forward(new IntTensor([.. ids], 4, width), new IntTensor([.. mask], 4, width)).ToArray();

            Assert.Equal(4, rewards.Length);
            for (var r = 0; r < rows.Length; r++)
            {
                Assert.True(Math.Abs(unpadded - rewards[r]) <= 1e-5, $"{pooling}, padding {rows[r]}: {rewards[r]} vs unpadded {unpadded}");
            }
        }
    }

    [Fact]
    public void Forward_LastToken_ReadsTheValueAtTheLastMaskedInToken()
    {
        var model = new RewardModel(TinyGpt2.CreateBackbone(), seed: 3);
        model.Eval();
        using var _ = Tensor.NoGrad();
        var ids = new IntTensor([Pad, 3, 14, Pad, Pad, 5, 6, 7, 8, Pad], 2, 5);
        var mask = new IntTensor([0, 1, 1, 1, 0, 1, 1, 1, 1, 1], 2, 5);

        var values = model.ForwardValues(ids, mask);
        var rewards = model.Forward(ids, mask).ToArray();

        Assert.Equal([2, 5], values.Shape.ToArray());
        // The last-token path runs the last block at one position, so its sums may differ from the full pass's in rounding.
        Assert.Equal(values[0, 3], rewards[0], 1e-6); // the EOS at index 3 is real; the one at index 4 is padding
        Assert.Equal(values[1, 4], rewards[1], 1e-6);
    }

    [Fact]
    public void SavePretrained_ThenFromPretrained_GivesIdenticalRewards()
    {
        using var dir = new TempDirectory();
        var model = new RewardModel(TinyGpt2.CreateBackbone(), seed: 3);
        model.Head.Summary.Bias!.CopyFrom([0.75f]);
        model.Eval();

        model.SavePretrained(dir.Path);
        var loaded = RewardModel.FromPretrained(dir.Path, seed: 99);

        var (ids, mask) = (TinyGpt2.Ids(), new IntTensor([0, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0], 2, 6));
        Assert.Equal(Rewards(model, ids, mask), Rewards(loaded, ids, mask));
        Assert.False(loaded.IsTraining);
        using var file = SafetensorsFile.Open(dir.File("model.safetensors"));
        var names = file.Tensors.Select(t => t.Name).ToHashSet();
        Assert.Contains("v_head.summary.weight", names);
        Assert.Contains("v_head.summary.bias", names);
        Assert.Contains("h.0.attn.c_attn.weight", names);
        Assert.Equal(model.Backbone.NamedParameters().Count() + 2, names.Count);
    }

    [Fact]
    public void FromPretrained_PlainGpt2Checkpoint_InitialisesTheHeadFromTheSeed()
    {
        using var dir = new TempDirectory();
        var lm = TinyGpt2.CreateLanguageModel();
        lm.SavePretrained(dir.Path);

        var loaded = RewardModel.FromPretrained(dir.Path, RewardPooling.Mean, seed: 7);

        var fresh = new RewardModel(TinyGpt2.CreateBackbone(seed: 5), seed: 7);
        Assert.Equal(RewardPooling.Mean, loaded.Pooling);
        Assert.Equal(fresh.Head.Summary.Weight.ToArray(), loaded.Head.Summary.Weight.ToArray());
        Assert.Equal(lm.Transformer.TokenEmbedding.Weight.ToArray(), loaded.Backbone.TokenEmbedding.Weight.ToArray());
    }

    [Fact]
    public void FromPretrained_TrlStyleKeys_Load()
    {
        using var dir = new TempDirectory();
        var model = new RewardModel(TinyGpt2.CreateBackbone(), seed: 3);
        model.Eval();
        var tensors = CheckpointFolder.Tensors(model.Backbone, prefix: "transformer.");
        tensors.Add(SafetensorsTensor.FromSingle("lm_head.weight", [50, 16], model.Backbone.TokenEmbedding.Weight.ToArray()));
        tensors.Add(SafetensorsTensor.FromSingle("v_head.summary.weight", [1, 16], model.Head.Summary.Weight.ToArray()));
        tensors.Add(SafetensorsTensor.FromSingle("v_head.summary.bias", [1], new[] { 0.25f }));
        CheckpointFolder.Write(dir.Path, TinyGpt2.Config, tensors);

        var loaded = RewardModel.FromPretrained(dir.Path);

        Assert.Equal(0.25f, loaded.Head.Summary.Bias!.Item());
        Assert.Equal(model.Head.Summary.Weight.ToArray(), loaded.Head.Summary.Weight.ToArray());
    }

    [Fact]
    public void FromPretrained_HalfAHead_IsReported()
    {
        using var dir = new TempDirectory();
        var tensors = CheckpointFolder.Tensors(TinyGpt2.CreateBackbone());
        tensors.Add(CheckpointFolder.Filled("v_head.summary.weight", 0.1f, 1, 16));
        CheckpointFolder.Write(dir.Path, TinyGpt2.Config, tensors);

        var error = Assert.Throws<InvalidDataException>(() => RewardModel.FromPretrained(dir.Path));

        Assert.Contains("missing keys: v_head.summary.bias", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Backward_ReachesEveryParameterOfHeadAndBackbone()
    {
        var model = new RewardModel(TinyGpt2.CreateBackbone(), seed: 3, headDropout: 0.1f);
        var names = model.NamedParameters().Select(p => p.Name).ToList();
        Assert.Contains("transformer.wte.weight", names);
        Assert.Contains("v_head.summary.weight", names);
        Assert.Contains("v_head.summary.bias", names);

        model.Forward(TinyGpt2.Ids(), new IntTensor([0, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0], 2, 6)).Sum().Backward();

        Assert.All(model.NamedParameters(), p => Assert.True(p.Parameter.Grad is not null, $"{p.Name} has no gradient"));
    }

    [Fact]
    public void FreezeBackbone_TrainsOnlyTheHead_UntilUnfrozen()
    {
        var model = new RewardModel(TinyGpt2.CreateBackbone(), seed: 3);
        model.FreezeBackbone();

        model.Forward(TinyGpt2.Ids()).Sum().Backward();

        Assert.All(model.Backbone.NamedParameters(), p => Assert.True(p.Parameter.Grad is null && !p.Parameter.RequiresGrad, $"{p.Name} is trained"));
        Assert.All(model.Head.NamedParameters(), p => Assert.NotNull(p.Parameter.Grad));

        model.UnfreezeBackbone();
        model.Forward(TinyGpt2.Ids()).Sum().Backward();

        Assert.All(model.Backbone.NamedParameters(), p => Assert.True(p.Parameter.Grad is not null, $"{p.Name} has no gradient"));
    }

    private static IntTensor Mask(int left, int real, int right) =>
        new([.. Enumerable.Repeat(0, left), .. Enumerable.Repeat(1, real), .. Enumerable.Repeat(0, right)], 1, left + real + right);

    private static float[] Rewards(RewardModel model, IntTensor ids, IntTensor? mask)
    {
        using var _ = Tensor.NoGrad();
        return model.Forward(ids, mask).ToArray();
    }
}
