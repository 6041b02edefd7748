using Alignment.Models.Gpt2;

namespace Alignment.Models.Heads;

public sealed partial class RewardModel
{
    /// <summary>
    /// Loads a reward model from a Hugging Face model folder: the GPT-2 backbone from <c>config.json</c> and
    /// <c>model.safetensors</c> (keys with or without the <c>transformer.</c> prefix; a tied <c>lm_head.weight</c> is
    /// ignored), and the head from <c>v_head.summary.weight</c> and <c>v_head.summary.bias</c> when the file has them.
    /// A file without any head key (a plain GPT-2 checkpoint) gives a head initialised from <paramref name="seed"/>,
    /// exactly as the constructor does; a file with only one of them, like any missing, unexpected or misshapen key, is
    /// an error.
    /// </summary>
    /// <param name="directory">The model folder.</param>
    /// <param name="pooling">How values become a reward. The default value is <see cref="RewardPooling.LastToken"/>.</param>
    /// <param name="seed">Seed of the backbone's dropout and of the head's initialisation when the file has no head. The default value is 0.</param>
    /// <param name="headDropout">Dropout before the head's projection. The default value is 0.</param>
    /// <returns>The model, in evaluation mode.</returns>
    /// <exception cref="InvalidDataException">config.json is invalid, or the weights do not match it.</exception>
    public static RewardModel FromPretrained(string directory, RewardPooling pooling = RewardPooling.LastToken, ulong seed = 0, float headDropout = 0f)
    {
        ArgumentNullException.ThrowIfNull(directory);
        var backbone = new Gpt2Model(Gpt2Checkpoint.LoadConfig(directory), new RandomGenerator(seed), WeightInit.Zeros);
        var model = new RewardModel(backbone, pooling, seed, headDropout);
        ValueHeadCheckpoint.Load(directory, model.Backbone, model.Head);
        model.Eval();
        return model;
    }

    /// <summary>
    /// Writes <c>config.json</c> and <c>model.safetensors</c> into <paramref name="directory"/>: the backbone under Hugging
    /// Face names without the <c>transformer.</c> prefix and the head as <c>v_head.summary.weight</c> and
    /// <c>v_head.summary.bias</c>, F32. The save is atomic as <see cref="Gpt2LanguageModel.SavePretrained"/>'s is; the
    /// pooling is not stored.
    /// </summary>
    /// <param name="directory">The folder (created if missing).</param>
    public void SavePretrained(string directory) => ValueHeadCheckpoint.Save(directory, Backbone, Head);
}
