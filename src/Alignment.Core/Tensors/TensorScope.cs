namespace Alignment;

/// <summary>
/// Returns the storage of every tensor created inside it to a pool when disposed, deterministically,
/// like TorchSharp's DisposeScope. Use one per training step:
/// <code>using (TensorScope.Begin()) { var loss = model.Forward(batch); loss.Backward(); optimizer.Step(); }</code>
/// Tensors that must outlive the scope are kept with <see cref="Tensor.MoveToOuterScope"/>.
/// Using a tensor whose storage went back to the pool throws <see cref="ObjectDisposedException"/>.
/// Scopes nest and are per thread.
/// The pool keeps the arrays that recent steps used (the end of an outermost scope ends a step) and lets go of lengths
/// that stop coming, so batches of varying shapes do not make it grow without bound.
/// </summary>
public sealed class TensorScope : IDisposable
{
    [ThreadStatic]
    private static TensorScope? _current;

    private readonly List<TensorStorage> _storages = [];
    private bool _disposed;

    private TensorScope(TensorScope? parent) => Parent = parent;

    internal static TensorScope? Current => _current;

    internal TensorScope? Parent { get; }

    /// <summary>Starts a scope on the current thread; tensors created until it is disposed belong to it.</summary>
    /// <returns>The scope; dispose it to release its tensors.</returns>
    public static TensorScope Begin()
    {
        var scope = new TensorScope(_current);
        _current = scope;
        return scope;
    }

    internal void Register(TensorStorage storage) => _storages.Add(storage);

    /// <summary>Moves a storage from this scope to the parent scope (or to the GC when there is none).</summary>
    internal void Yield(TensorStorage storage)
    {
        storage.Owner = Parent;
        Parent?.Register(storage);
    }

    /// <summary>Releases every tensor still owned by this scope and restores the enclosing scope.</summary>
    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        foreach (var storage in _storages)
        {
            if (ReferenceEquals(storage.Owner, this))
            {
                storage.Release();
            }
        }

        _storages.Clear();
        if (ReferenceEquals(_current, this))
        {
            _current = Parent;
        }

        if (Parent is null)
        {
            TensorPool.EndStep();
        }
    }
}
