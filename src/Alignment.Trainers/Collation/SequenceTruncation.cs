namespace Alignment.Trainers.Collation;

/// <summary>Joins a prompt and a response into one sequence of at most a given length, keeping the response's end.</summary>
internal static class SequenceTruncation
{
    /// <summary>
    /// prompt + response when that fits. Otherwise tokens are cut from the left: first from the prompt (its beginning
    /// goes, its end stays next to the response), and only when the response alone is too long, from the response's
    /// beginning, so its last tokens (where last-token pooling reads the reward) always survive.
    /// </summary>
    /// <param name="prompt">Prompt ids.</param>
    /// <param name="response">Response ids.</param>
    /// <param name="maxLength">The largest length, at least 1.</param>
    /// <param name="truncated">Whether anything was cut.</param>
    /// <returns>The joined ids.</returns>
    public static int[] Join(ReadOnlySpan<int> prompt, ReadOnlySpan<int> response, int maxLength, out bool truncated)
    {
        var excess = prompt.Length + response.Length - maxLength;
        truncated = excess > 0;
        if (!truncated)
        {
            return [.. prompt, .. response];
        }

        if (excess <= prompt.Length)
        {
            return [.. prompt[excess..], .. response];
        }

        return response[^maxLength..].ToArray();
    }
}
