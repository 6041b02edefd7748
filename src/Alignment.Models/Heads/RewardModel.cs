using Alignment.Models.Gpt2;
using Alignment.NN;

namespace Alignment.Models.Heads;

/// <summary>
/// A reward model: a GPT-2 backbone and a <see cref="ValueHead"/>; the reward of a sequence is the value at its last
/// non-padding token (or the mean over its tokens, see <see cref="RewardPooling"/>), so it does not depend on how much
/// left or right padding surrounds it. The attention mask, not the token id, tells padding from real tokens, so a padding
/// id equal to the EOS id (GPT-2's usual choice) does not hide a real EOS at the end of a sequence.
/// </summary>
public sealed partial class RewardModel : Module
{
    /// <summary>
    /// Creates a reward model on a backbone; the head is initialised from <paramref name="seed"/>. Parameters are named
    /// <c>transformer.…</c> (the backbone) and <c>v_head.summary.weight</c>/<c>v_head.summary.bias</c> (the head).
    /// </summary>
    /// <param name="backbone">The transformer (its weights are shared, not copied).</param>
    /// <param name="pooling">How values become a reward. The default value is <see cref="RewardPooling.LastToken"/>.</param>
    /// <param name="seed">Seed of the head's initialisation. The default value is 0.</param>
    /// <param name="headDropout">Dropout before the head's projection. The default value is 0.</param>
    public RewardModel(Gpt2Model backbone, RewardPooling pooling = RewardPooling.LastToken, ulong seed = 0, float headDropout = 0f)
    {
        ArgumentNullException.ThrowIfNull(backbone);
        Pooling = pooling;
        Backbone = RegisterModule("transformer", backbone);
        Head = RegisterModule(ValueHeadCheckpoint.HeadName, new ValueHead(backbone.Config.EmbeddingSize, new RandomGenerator(seed), headDropout));
    }

    /// <summary>The transformer (registered as <c>transformer</c>).</summary>
    public Gpt2Model Backbone { get; }

    /// <summary>The scalar head (registered as <c>v_head</c>).</summary>
    public ValueHead Head { get; }

    /// <summary>How per-token values become a reward.</summary>
    public RewardPooling Pooling { get; }

    /// <summary>
    /// Rewards [B] for token ids [B, T] with an optional padding mask [B, T] (1 = real token): the same values (up to
    /// rounding) and gradients as <see cref="Pool"/> of <see cref="ForwardValues"/>.
    /// </summary>
    /// <remarks>
    /// With <see cref="RewardPooling.LastToken"/>, when no dropout is active (the model is in evaluation mode, or the
    /// embedding, residual and head dropout probabilities are 0), only the last real token's value is computed: the
    /// last block runs its query, MLP, ln_f and the head at that position alone (<see cref="Gpt2Model.ForwardAt"/>).
    /// With dropout active in training, the full pass runs, so that the dropout masks (and the generators' streams)
    /// are those of the full computation.
    /// </remarks>
    /// <param name="inputIds">Token ids.</param>
    /// <param name="attentionMask">Padding mask; the default value is null (no padding).</param>
    /// <returns>One reward per sequence.</returns>
    public Tensor Forward(IntTensor inputIds, IntTensor? attentionMask = null)
    {
        ArgumentNullException.ThrowIfNull(inputIds);
        if (Pooling == RewardPooling.LastToken && CanComputeLastTokenOnly(inputIds, attentionMask))
        {
            int b = inputIds.Size(0), t = inputIds.Size(1);
            var last = new IntTensor(b);
            for (var r = 0; r < b; r++)
            {
                last.Data[r] = LastRealIndex(attentionMask, r, t);
            }

            return Head.Forward(Backbone.ForwardAt(inputIds, attentionMask, last)); // [B]
        }

        var values = Head.Forward(Backbone.Forward(inputIds, attentionMask)); // [B, T]
        return Pool(values, attentionMask, Pooling);
    }

    /// <summary>
    /// Whether the last-token path gives the full pass's result: no dropout would draw masks, and the inputs have the
    /// shapes the full pass accepts (otherwise the full pass runs and reports the error).
    /// </summary>
    private bool CanComputeLastTokenOnly(IntTensor inputIds, IntTensor? attentionMask)
    {
        var config = Backbone.Config;
        var backboneDropout = Backbone.IsTraining && (config.EmbeddingDropout != 0f || config.ResidualDropout != 0f);
        var headDropout = Head.IsTraining && Head.DropoutProbability != 0f;
        if (backboneDropout || headDropout || inputIds.Rank != 2 || inputIds.Size(1) == 0)
        {
            return false;
        }

        return attentionMask is null
            || (attentionMask.Rank == 2 && attentionMask.Size(0) == inputIds.Size(0) && attentionMask.Size(1) == inputIds.Size(1));
    }

    /// <summary>Stops training the backbone (its gradients are dropped), so that only the head learns.</summary>
    public void FreezeBackbone() => Backbone.Freeze();

    /// <summary>Trains the backbone again after <see cref="FreezeBackbone"/>.</summary>
    public void UnfreezeBackbone() => Backbone.Unfreeze();

    /// <summary>Per-token values [B, T] (before pooling).</summary>
    /// <param name="inputIds">Token ids.</param>
    /// <param name="attentionMask">Padding mask; the default value is null.</param>
    /// <returns>Values.</returns>
    public Tensor ForwardValues(IntTensor inputIds, IntTensor? attentionMask = null) => Head.Forward(Backbone.Forward(inputIds, attentionMask));

    /// <summary>Pools per-token values [B, T] into rewards [B].</summary>
    /// <param name="values">Values.</param>
    /// <param name="attentionMask">Padding mask or null.</param>
    /// <param name="pooling">The pooling.</param>
    /// <returns>Rewards.</returns>
    public static Tensor Pool(Tensor values, IntTensor? attentionMask, RewardPooling pooling)
    {
        ArgumentNullException.ThrowIfNull(values);
        int b = values.Size(0), t = values.Size(1);
        if (pooling == RewardPooling.Mean)
        {
            if (attentionMask is null)
            {
                // Same arithmetic as the masked path (a division), so an all-ones mask gives bit-identical rewards.
                return values.Sum(1) / Tensor.Scalar(t);
            }

            var mask = attentionMask.ToFloat();
            return (values * mask).Sum(1) / Tensor.Clamp(mask.Sum(1), min: 1f);
        }

        var index = new IntTensor(b, 1);
        for (var r = 0; r < b; r++)
        {
            index.Data[r] = LastRealIndex(attentionMask, r, t);
        }

        return values.Gather(1, index).Squeeze(1);
    }

    /// <summary>The index of the last token whose mask is 1 in row <paramref name="row"/> (T − 1 without a mask; 0 for an all-padding row).</summary>
    /// <param name="attentionMask">[B, T] mask or null.</param>
    /// <param name="row">The row.</param>
    /// <param name="length">T.</param>
    /// <returns>The index.</returns>
    public static int LastRealIndex(IntTensor? attentionMask, int row, int length)
    {
        if (attentionMask is null)
        {
            return length - 1;
        }

        for (var j = length - 1; j >= 0; j--)
        {
            if (attentionMask.Data[(row * length) + j] != 0)
            {
                return j;
            }
        }

        return 0;
    }
}
