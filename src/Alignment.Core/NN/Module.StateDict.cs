namespace Alignment.NN;

public abstract partial class Module
{
    /// <summary>
    /// Every parameter and buffer under its dotted name, in the order of <see cref="NamedParameters"/>
    /// with each module's buffers after its parameters. Unlike <see cref="NamedParameters"/>, a tensor
    /// registered under two names (tied weights) appears under both. The values are the module's own
    /// tensors, not copies: clone them to keep a snapshot.
    /// </summary>
    /// <returns>Dotted name → tensor.</returns>
    public IReadOnlyDictionary<string, Tensor> StateDict()
    {
        var result = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        foreach (var (prefix, module) in PreOrder())
        {
            foreach (var (name, tensor) in module._parameters)
            {
                result[Join(prefix, name)] = tensor;
            }

            foreach (var (name, tensor) in module._buffers)
            {
                result[Join(prefix, name)] = tensor;
            }
        }

        return result;
    }

    /// <summary>
    /// Copies values from <paramref name="stateDict"/> into this module's parameters and buffers,
    /// matched by dotted name. Everything is checked before anything is copied: a shape mismatch
    /// always throws, naming the key and both shapes; with <paramref name="strict"/>, any missing or
    /// unexpected key throws too, listing all of them. Gradients and the graph are not touched.
    /// </summary>
    /// <param name="stateDict">Dotted name → tensor of the same shape as the module's.</param>
    /// <param name="strict">Require the keys to match exactly. The default value is true.</param>
    /// <returns>The keys that did not match (both lists empty after a strict load).</returns>
    /// <exception cref="ArgumentException">A shape differs, a value is null, or (strict) a key is missing or unexpected.</exception>
    public LoadStateDictResult LoadStateDict(IReadOnlyDictionary<string, Tensor> stateDict, bool strict = true)
    {
        ArgumentNullException.ThrowIfNull(stateDict);
        var own = StateDict();
        var missing = new List<string>();
        var errors = new List<string>();
        foreach (var (key, target) in own)
        {
            if (!stateDict.TryGetValue(key, out var source))
            {
                missing.Add(key);
            }
            else if (source is null)
            {
                errors.Add($"'{key}': the value is null.");
            }
            else if (!Shapes.SameShape(source.ShapeArray, target.ShapeArray))
            {
                errors.Add($"size mismatch for '{key}': the state dict has shape {Shapes.Format(source.ShapeArray)}, the module has shape {Shapes.Format(target.ShapeArray)}.");
            }
        }

        var unexpected = stateDict.Keys.Where(k => !own.ContainsKey(k)).ToList();
        if (strict && missing.Count > 0)
        {
            errors.Add($"missing keys: {Quote(missing)}.");
        }

        if (strict && unexpected.Count > 0)
        {
            errors.Add($"unexpected keys: {Quote(unexpected)}.");
        }

        if (errors.Count > 0)
        {
            throw new ArgumentException($"Error(s) loading the state dict into {GetType().Name}:{Environment.NewLine}  {string.Join(Environment.NewLine + "  ", errors)}", nameof(stateDict));
        }

        foreach (var (key, target) in own)
        {
            if (stateDict.TryGetValue(key, out var source))
            {
                target.CopyFrom(source.IsContiguous ? source.Span : source.ToArray());
            }
        }

        return new LoadStateDictResult(missing, unexpected);
    }

    private static string Quote(IEnumerable<string> keys) => string.Join(", ", keys.Select(k => $"'{k}'"));
}
