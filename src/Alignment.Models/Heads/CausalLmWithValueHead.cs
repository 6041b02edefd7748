using Alignment.Models.Gpt2;
using Alignment.Models.Reference;
using Alignment.NN;

namespace Alignment.Models.Heads;

/// <summary>
/// A policy with a value head, as TRL's AutoModelForCausalLMWithValueHead: a <see cref="Gpt2LanguageModel"/> and a
/// <see cref="ValueHead"/> on the same final hidden states, so one backbone pass gives both the next-token logits and a
/// value per token. Parameters keep the names of TRL's state dict: <c>transformer.…</c> (the language model's
/// transformer; the output projection is tied to <c>transformer.wte.weight</c>) and <c>v_head.summary.weight</c>,
/// <c>v_head.summary.bias</c>.
/// </summary>
public sealed partial class CausalLmWithValueHead : Module
{
    /// <summary>Wraps a language model (its weights are shared, not copied) and adds a head initialised from <paramref name="seed"/>.</summary>
    /// <param name="languageModel">The policy.</param>
    /// <param name="seed">Seed of the head's initialisation and dropout. The default value is 0.</param>
    /// <param name="headDropout">Dropout before the head's projection (TRL's summary_dropout_prob). The default value is 0.</param>
    public CausalLmWithValueHead(Gpt2LanguageModel languageModel, ulong seed = 0, float headDropout = 0f)
    {
        ArgumentNullException.ThrowIfNull(languageModel);
        LanguageModel = languageModel;
        RegisterModule("transformer", languageModel.Transformer);
        Head = RegisterModule(ValueHeadCheckpoint.HeadName, new ValueHead(languageModel.Config.EmbeddingSize, new RandomGenerator(seed), headDropout));
    }

    /// <summary>
    /// The policy: the transformer and its tied output projection. <see cref="Module.Train"/> and <see cref="Module.Eval"/>
    /// of this model reach the transformer (and so dropout) but not the language model object's own
    /// <see cref="Module.IsTraining"/> flag, which nothing reads.
    /// </summary>
    public Gpt2LanguageModel LanguageModel { get; }

    /// <summary>The language model's transformer (registered as <c>transformer</c>).</summary>
    public Gpt2Model Backbone => LanguageModel.Transformer;

    /// <summary>The value head (registered as <c>v_head</c>).</summary>
    public ValueHead Head { get; }

    /// <summary>The configuration.</summary>
    public Gpt2Config Config => LanguageModel.Config;

    /// <summary>
    /// Logits [B, T, V] and values [B, T] for token ids [B, T], computing the hidden states once (see
    /// <see cref="Gpt2Model.Forward"/> for the mask and the positions).
    /// </summary>
    /// <param name="inputIds">Token ids, [B, T].</param>
    /// <param name="attentionMask">1 for real tokens, 0 for padding, [B, T]; the default value is null (all real).</param>
    /// <param name="positionIds">Explicit positions, [B, T]; the default value is null (derived from the mask).</param>
    /// <returns>Logits and values.</returns>
    public CausalLmWithValueHeadOutput Forward(IntTensor inputIds, IntTensor? attentionMask = null, IntTensor? positionIds = null)
    {
        var hidden = ForwardHidden(inputIds, attentionMask, positionIds);
        return new CausalLmWithValueHeadOutput(ComputeLogits(hidden), ComputeValues(hidden));
    }

    /// <summary>The final hidden states [B, T, C] (after ln_f), from which <see cref="ComputeLogits"/> and <see cref="ComputeValues"/> read.</summary>
    /// <param name="inputIds">Token ids, [B, T].</param>
    /// <param name="attentionMask">1 for real tokens, 0 for padding, [B, T]; the default value is null (all real).</param>
    /// <param name="positionIds">Explicit positions, [B, T]; the default value is null (derived from the mask).</param>
    /// <returns>Hidden states.</returns>
    public Tensor ForwardHidden(IntTensor inputIds, IntTensor? attentionMask = null, IntTensor? positionIds = null) =>
        Backbone.Forward(inputIds, attentionMask, positionIds);

    /// <summary>Logits [..., V] for hidden states [..., C] (the tied output projection).</summary>
    /// <param name="hidden">Hidden states.</param>
    /// <returns>Logits.</returns>
    public Tensor ComputeLogits(Tensor hidden) => LanguageModel.ComputeLogits(hidden);

    /// <summary>Values [...] for hidden states [..., C].</summary>
    /// <param name="hidden">Hidden states.</param>
    /// <returns>One value per position.</returns>
    public Tensor ComputeValues(Tensor hidden) => Head.Forward(hidden);

    /// <summary>Stops training the language model (its gradients are dropped), so that only the value head learns.</summary>
    public void FreezeBackbone() => Backbone.Freeze();

    /// <summary>Trains the language model again after <see cref="FreezeBackbone"/>.</summary>
    public void UnfreezeBackbone() => Backbone.Unfreeze();

    /// <summary>A frozen copy of the policy as it is now, for KL penalties (see <see cref="ReferenceModel.CreateFrom(Gpt2LanguageModel)"/>).</summary>
    /// <returns>An independent language model with no trainable parameters, in evaluation mode.</returns>
    public Gpt2LanguageModel CreateReference() => ReferenceModel.CreateFrom(LanguageModel);
}
