using Alignment.Models.Gpt2;

namespace Alignment.Models.Heads;

public sealed partial class CausalLmWithValueHead
{
    /// <summary>
    /// Loads a policy with a value head from a Hugging Face model folder: the language model from <c>config.json</c> and
    /// <c>model.safetensors</c> (keys with or without the <c>transformer.</c> prefix; a tied <c>lm_head.weight</c> is
    /// ignored), and the head from <c>v_head.summary.weight</c> and <c>v_head.summary.bias</c> when the file has them.
    /// A file without any head key (a plain GPT-2 checkpoint) gives a head initialised from <paramref name="seed"/>,
    /// exactly as the constructor does; a file with only one of them, like any missing, unexpected or misshapen key, is
    /// an error.
    /// </summary>
    /// <param name="directory">The model folder.</param>
    /// <param name="seed">Seed of the dropout and of the head's initialisation when the file has no head. The default value is 0.</param>
    /// <param name="headDropout">Dropout before the head's projection. The default value is 0.</param>
    /// <returns>The model, in evaluation mode.</returns>
    /// <exception cref="InvalidDataException">config.json is invalid, or the weights do not match it.</exception>
    public static CausalLmWithValueHead FromPretrained(string directory, ulong seed = 0, float headDropout = 0f)
    {
        ArgumentNullException.ThrowIfNull(directory);
        var model = new CausalLmWithValueHead(new Gpt2LanguageModel(Gpt2Checkpoint.LoadConfig(directory), seed, initialize: false), seed, headDropout);
        ValueHeadCheckpoint.Load(directory, model.Backbone, model.Head);
        model.Eval();
        return model;
    }

    /// <summary>
    /// Writes <c>config.json</c> and <c>model.safetensors</c> into <paramref name="directory"/>: the transformer under
    /// Hugging Face names without the <c>transformer.</c> prefix and the head as <c>v_head.summary.weight</c> and
    /// <c>v_head.summary.bias</c>, F32. The save is atomic as <see cref="Gpt2LanguageModel.SavePretrained"/>'s is.
    /// <see cref="Gpt2LanguageModel.FromPretrained"/> rejects the folder (the head keys are unexpected there); load it with
    /// <see cref="FromPretrained"/> and take <see cref="LanguageModel"/>.
    /// </summary>
    /// <param name="directory">The folder (created if missing).</param>
    public void SavePretrained(string directory) => ValueHeadCheckpoint.Save(directory, Backbone, Head);
}
