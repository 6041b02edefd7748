namespace Alignment.Trainers.Data;

/// <summary>
/// One human preference: for <see cref="Prompt"/>, the response <see cref="Chosen"/> is preferred to
/// <see cref="Rejected"/>. The sequences a reward model scores are the prompt followed by each response
/// (their token ids are concatenated, so put any separator such as "\n\nAnswer: " at the end of the prompt).
/// </summary>
/// <param name="Prompt">The context both responses answer; may be empty (an implicit prompt inside the responses).</param>
/// <param name="Chosen">The preferred response; not empty.</param>
/// <param name="Rejected">The other response; not empty.</param>
/// <param name="Margin">
/// How much better the chosen response is, subtracted inside the pairwise loss
/// (−log σ(r_c − r_r − margin), Llama 2's margin); finite. The default value is 0.
/// </param>
public sealed record PreferencePair(string Prompt, string Chosen, string Rejected, float Margin = 0f);
