namespace Alignment.NN;

/// <summary>
/// The base of every layer and model: it holds named parameters (trainable leaf tensors), buffers
/// (state that is saved but not trained), random generators (drawn from in <c>Forward</c>, such as
/// dropout's) and child modules, all registered explicitly in the constructor. Names join with dots through the tree ("h.0.attn.c_attn.weight"), as in PyTorch.
/// Each concrete module has its own <c>Forward</c> with its own signature.
/// </summary>
/// <remarks>
/// Parameters and buffers own storage that no <see cref="TensorScope"/> releases, so they outlive
/// the per-step scopes of training.
/// </remarks>
public abstract partial class Module
{
    private readonly List<(string Name, Tensor Tensor)> _parameters = [];
    private readonly List<(string Name, Tensor Tensor)> _buffers = [];
    private readonly List<(string Name, Module Module)> _children = [];
    private readonly HashSet<string> _names = new(StringComparer.Ordinal);

    /// <summary>
    /// Whether the module is in training mode (dropout active) rather than evaluation mode.
    /// The default value is true.
    /// </summary>
    public bool IsTraining { get; private set; } = true;

    /// <summary>The total number of elements of all (distinct) parameters.</summary>
    public int ParameterCount
    {
        get
        {
            var count = 0;
            foreach (var p in Parameters())
            {
                count = checked(count + p.ElementCount);
            }

            return count;
        }
    }

    /// <summary>
    /// Registers a trainable parameter under <paramref name="name"/>: the tensor becomes a leaf with
    /// <see cref="Tensor.RequiresGrad"/> = true whose storage no scope releases.
    /// </summary>
    /// <param name="name">The local name: not empty, no dots, unique within this module.</param>
    /// <param name="parameter">A contiguous leaf tensor; the module keeps this instance.</param>
    /// <returns><paramref name="parameter"/>, for assignment to a field or property.</returns>
    protected Tensor RegisterParameter(string name, Tensor parameter)
    {
        ArgumentNullException.ThrowIfNull(parameter);
        ClaimName(name);
        if (!parameter.IsLeaf)
        {
            throw new ArgumentException($"Parameter '{name}' must be a leaf tensor; register the result of Detach() or Clone().", nameof(parameter));
        }

        ClaimStorage(name, parameter);
        parameter.RequiresGrad = true;
        _parameters.Add((name, parameter));
        return parameter;
    }

    /// <summary>
    /// Registers a buffer: state that belongs in the state dict but is not trained (no gradient),
    /// such as a running statistic or a fixed mask. Its storage is kept beyond every scope.
    /// </summary>
    /// <param name="name">The local name: not empty, no dots, unique within this module.</param>
    /// <param name="buffer">A contiguous tensor; the module keeps this instance.</param>
    /// <returns><paramref name="buffer"/>, for assignment to a field or property.</returns>
    protected Tensor RegisterBuffer(string name, Tensor buffer)
    {
        ArgumentNullException.ThrowIfNull(buffer);
        ClaimName(name);
        ClaimStorage(name, buffer);
        _buffers.Add((name, buffer));
        return buffer;
    }

    /// <summary>Registers a child module, whose parameters then appear under "<paramref name="name"/>.…".</summary>
    /// <typeparam name="T">The module type.</typeparam>
    /// <param name="name">The local name: not empty, no dots, unique within this module.</param>
    /// <param name="module">The child; it must not contain this module.</param>
    /// <returns><paramref name="module"/>, for assignment to a field or property.</returns>
    protected T RegisterModule<T>(string name, T module)
        where T : Module
    {
        ArgumentNullException.ThrowIfNull(module);
        foreach (var (_, descendant) in module.NamedModules())
        {
            if (ReferenceEquals(descendant, this))
            {
                throw new ArgumentException($"Module '{name}' contains this module; a module tree cannot have cycles.", nameof(module));
            }
        }

        ClaimName(name);
        _children.Add((name, module));
        return module;
    }

    /// <summary>The distinct parameters of this module and its descendants, in registration order.</summary>
    /// <returns>The parameters (a tensor shared by two modules appears once).</returns>
    public IEnumerable<Tensor> Parameters() => NamedParameters().Select(p => p.Parameter);

    /// <summary>
    /// The distinct parameters with their dotted names: this module's own first, then each child's
    /// in registration order, depth first. A tensor registered twice (tied weights) appears once,
    /// under the first name met.
    /// </summary>
    /// <returns>The named parameters.</returns>
    public IEnumerable<(string Name, Tensor Parameter)> NamedParameters() => NamedTensors(buffers: false);

    /// <summary>The distinct buffers with their dotted names, in the same order as <see cref="NamedParameters"/>.</summary>
    /// <returns>The named buffers.</returns>
    public IEnumerable<(string Name, Tensor Buffer)> NamedBuffers() => NamedTensors(buffers: true);

    /// <summary>The direct children with their local names, in registration order.</summary>
    /// <returns>The children.</returns>
    public IEnumerable<(string Name, Module Module)> NamedChildren() => _children.AsReadOnly();

    /// <summary>
    /// This module (named "") and every distinct descendant with its dotted name, in pre-order
    /// (a module before its children, children in registration order).
    /// </summary>
    /// <returns>The named modules.</returns>
    public IEnumerable<(string Name, Module Module)> NamedModules()
    {
        var seen = new HashSet<Module>(ReferenceEqualityComparer.Instance);
        foreach (var entry in PreOrder())
        {
            if (seen.Add(entry.Module))
            {
                yield return entry;
            }
        }
    }

    /// <summary>Switches this module and all descendants to training mode or, with false, evaluation mode.</summary>
    /// <param name="mode">True for training, false for evaluation. The default value is true.</param>
    public void Train(bool mode = true)
    {
        foreach (var (_, module) in NamedModules())
        {
            module.IsTraining = mode;
        }
    }

    /// <summary>Switches this module and all descendants to evaluation mode (same as <c>Train(false)</c>).</summary>
    public void Eval() => Train(false);

    /// <summary>Sets every parameter's gradient to zero in place (gradients not yet created stay null).</summary>
    public void ZeroGrad()
    {
        foreach (var p in Parameters())
        {
            GradBuffers.Zero(p);
        }
    }

    /// <summary>
    /// Turns gradient computation on or off for every parameter. Turning it off also drops the
    /// gradients, so optimizers (which skip parameters without a gradient) leave them unchanged.
    /// </summary>
    /// <param name="requiresGrad">Whether the parameters are trained.</param>
    public void SetRequiresGrad(bool requiresGrad)
    {
        foreach (var p in Parameters())
        {
            p.RequiresGrad = requiresGrad;
            if (!requiresGrad)
            {
                p.Grad = null;
            }
        }
    }

    /// <summary>Stops training every parameter (same as <c>SetRequiresGrad(false)</c>).</summary>
    public void Freeze() => SetRequiresGrad(false);

    /// <summary>Trains every parameter again (same as <c>SetRequiresGrad(true)</c>).</summary>
    public void Unfreeze() => SetRequiresGrad(true);

    private static string Join(string prefix, string name) => prefix.Length == 0 ? name : prefix + "." + name;

    /// <summary>Takes the storage out of any scope so that it lives as long as the module.</summary>
    private static void ClaimStorage(string name, Tensor tensor)
    {
        if (tensor.Storage.IsReleased)
        {
            throw new ObjectDisposedException(nameof(Tensor), $"The tensor registered as '{name}' was released when its TensorScope ended.");
        }

        if (!tensor.IsContiguous)
        {
            throw new ArgumentException($"The tensor registered as '{name}' must be contiguous; register tensor.Contiguous().Detach() or a clone.", nameof(tensor));
        }

        tensor.DetachFromScope();
    }

    private void ClaimName(string name)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        if (name.Contains('.', StringComparison.Ordinal))
        {
            throw new ArgumentException($"The name '{name}' contains a dot; dots separate the levels of dotted names.", nameof(name));
        }

        if (!_names.Add(name))
        {
            throw new ArgumentException($"The name '{name}' is already registered in {GetType().Name}.", nameof(name));
        }
    }

    /// <summary>Every (prefix, module) pair in pre-order, a shared module once per path.</summary>
    private IEnumerable<(string Name, Module Module)> PreOrder()
    {
        var stack = new Stack<(string Name, Module Module)>();
        stack.Push((string.Empty, this));
        while (stack.Count > 0)
        {
            var (prefix, module) = stack.Pop();
            yield return (prefix, module);
            for (var i = module._children.Count - 1; i >= 0; i--)
            {
                var (name, child) = module._children[i];
                stack.Push((Join(prefix, name), child));
            }
        }
    }

    private IEnumerable<(string Name, Tensor Tensor)> NamedTensors(bool buffers)
    {
        var seen = new HashSet<Tensor>(ReferenceEqualityComparer.Instance);
        foreach (var (prefix, module) in NamedModules())
        {
            foreach (var (name, tensor) in buffers ? module._buffers : module._parameters)
            {
                if (seen.Add(tensor))
                {
                    yield return (Join(prefix, name), tensor);
                }
            }
        }
    }
}
