using System.Collections;
using System.Globalization;

namespace Alignment.NN;

/// <summary>
/// An ordered list of child modules of one type, registered as "0", "1", … so that their
/// parameters are named "0.weight", "1.weight", … below the list's own name (GPT-2's "h.0.…").
/// </summary>
/// <typeparam name="T">The module type.</typeparam>
public sealed class ModuleList<T> : Module, IReadOnlyList<T>
    where T : Module
{
    private readonly List<T> _items = [];

    /// <summary>Creates an empty list.</summary>
    public ModuleList()
    {
    }

    /// <summary>Creates a list holding <paramref name="modules"/> in order.</summary>
    /// <param name="modules">The modules.</param>
    public ModuleList(IEnumerable<T> modules)
    {
        ArgumentNullException.ThrowIfNull(modules);
        foreach (var module in modules)
        {
            Add(module);
        }
    }

    /// <summary>The number of modules.</summary>
    public int Count => _items.Count;

    /// <summary>The module at <paramref name="index"/>.</summary>
    /// <param name="index">The position, from 0.</param>
    public T this[int index] => _items[index];

    /// <summary>Appends a module, registered under the next index.</summary>
    /// <param name="module">The module.</param>
    public void Add(T module)
    {
        RegisterModule(_items.Count.ToString(CultureInfo.InvariantCulture), module);
        _items.Add(module);
    }

    /// <summary>Enumerates the modules in order.</summary>
    /// <returns>The enumerator.</returns>
    public IEnumerator<T> GetEnumerator() => _items.GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}
