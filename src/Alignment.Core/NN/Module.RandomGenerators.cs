namespace Alignment.NN;

public abstract partial class Module
{
    private readonly List<(string Name, RandomGenerator Generator)> _randomGenerators = [];

    /// <summary>
    /// Registers a random generator that the module draws from after construction (dropout masks, for example), so
    /// that its state is saved and restored with the module's (<see cref="GetRandomStates"/>,
    /// <see cref="SetRandomStates"/>) and a resumed training run draws the same numbers as an uninterrupted one.
    /// Several modules may register the same generator instance; <see cref="NamedRandomGenerators"/> lists it once.
    /// </summary>
    /// <param name="name">The local name: not empty, no dots, unique within this module (parameters, buffers and children included).</param>
    /// <param name="generator">The generator; the module keeps this instance.</param>
    /// <returns><paramref name="generator"/>, for assignment to a field.</returns>
    protected RandomGenerator RegisterRandomGenerator(string name, RandomGenerator generator)
    {
        ArgumentNullException.ThrowIfNull(generator);
        ClaimName(name);
        _randomGenerators.Add((name, generator));
        return generator;
    }

    /// <summary>
    /// The distinct random generators of this module and its descendants with their dotted names, in the order of
    /// <see cref="NamedModules"/> and, within a module, of registration. A generator registered by several modules
    /// (a model and the blocks sharing its generator) appears once, under the first name met.
    /// </summary>
    /// <returns>The named generators.</returns>
    public IEnumerable<(string Name, RandomGenerator Generator)> NamedRandomGenerators()
    {
        var seen = new HashSet<RandomGenerator>(ReferenceEqualityComparer.Instance);
        foreach (var (prefix, module) in NamedModules())
        {
            foreach (var (name, generator) in module._randomGenerators)
            {
                if (seen.Add(generator))
                {
                    yield return (Join(prefix, name), generator);
                }
            }
        }
    }

    /// <summary>
    /// Captures the state of every generator of <see cref="NamedRandomGenerators"/>, for checkpoints. The arrays are
    /// copies: later draws do not change them.
    /// </summary>
    /// <returns>Dotted name → the generator's state (see <see cref="RandomGenerator.GetState"/>).</returns>
    public IReadOnlyDictionary<string, ulong[]> GetRandomStates()
    {
        var states = new Dictionary<string, ulong[]>(StringComparer.Ordinal);
        foreach (var (name, generator) in NamedRandomGenerators())
        {
            states[name] = generator.GetState();
        }

        return states;
    }

    /// <summary>
    /// Restores the generators from states captured with <see cref="GetRandomStates"/>, matched by dotted name.
    /// Everything is checked before anything is set: a missing or unexpected name, or a state that is not a valid
    /// generator state, throws one exception that lists every problem, and then no generator has changed.
    /// </summary>
    /// <param name="states">Dotted name → generator state, one entry for each of <see cref="NamedRandomGenerators"/>.</param>
    /// <exception cref="ArgumentException">A name is missing or unexpected, or a state is null or invalid.</exception>
    public void SetRandomStates(IReadOnlyDictionary<string, ulong[]> states)
    {
        ArgumentNullException.ThrowIfNull(states);
        var own = NamedRandomGenerators().ToList();
        var errors = new List<string>();
        var missing = new List<string>();
        foreach (var (name, _) in own)
        {
            if (!states.TryGetValue(name, out var state))
            {
                missing.Add(name);
            }
            else if (state is null)
            {
                errors.Add($"'{name}': the state is null.");
            }
            else if (RandomGenerator.CheckState(state) is { } problem)
            {
                errors.Add($"'{name}': {problem}");
            }
        }

        var known = own.Select(g => g.Name).ToHashSet(StringComparer.Ordinal);
        var unexpected = states.Keys.Where(k => !known.Contains(k)).ToList();
        if (missing.Count > 0)
        {
            errors.Add($"missing generators: {Quote(missing)}.");
        }

        if (unexpected.Count > 0)
        {
            errors.Add($"unexpected generators: {Quote(unexpected)}.");
        }

        if (errors.Count > 0)
        {
            throw new ArgumentException($"Error(s) setting the random states of {GetType().Name}:{Environment.NewLine}  {string.Join(Environment.NewLine + "  ", errors)}", nameof(states));
        }

        foreach (var (name, generator) in own)
        {
            generator.SetState(states[name]);
        }
    }
}
