namespace Alignment.NN;

/// <summary>
/// What <see cref="Module.LoadStateDict"/> could not match: the module's keys the state dict lacked
/// and the state dict's keys the module does not have.
/// </summary>
public sealed class LoadStateDictResult
{
    internal LoadStateDictResult(IReadOnlyList<string> missingKeys, IReadOnlyList<string> unexpectedKeys)
    {
        MissingKeys = missingKeys;
        UnexpectedKeys = unexpectedKeys;
    }

    /// <summary>Keys of the module's parameters and buffers that the state dict did not contain (left unchanged).</summary>
    public IReadOnlyList<string> MissingKeys { get; }

    /// <summary>Keys of the state dict that name no parameter or buffer of the module (ignored).</summary>
    public IReadOnlyList<string> UnexpectedKeys { get; }

    /// <summary>True when every key matched: nothing missing and nothing unexpected.</summary>
    public bool IsExactMatch => MissingKeys.Count == 0 && UnexpectedKeys.Count == 0;
}
