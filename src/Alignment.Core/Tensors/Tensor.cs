using System.Globalization;
using System.Text;

namespace Alignment;

/// <summary>
/// A float32 tensor: row-major values with a shape, strides and an offset into shared storage, and a
/// node in the define-by-run autograd graph. Reshape, transpose, permute, slice and expand return
/// views where the layout allows; <see cref="Contiguous"/> copies. Elementwise operations broadcast
/// as NumPy and PyTorch do. Create tensors inside a <see cref="TensorScope"/> to recycle their memory.
/// </summary>
public sealed partial class Tensor
{
    private readonly int[] _shape;
    private readonly int[] _strides;
    private bool _requiresGrad;
    private Tensor? _grad;
    private bool _gradPendingZero;

    internal Tensor(TensorStorage storage, int[] shape, int[] strides, int offset)
    {
        Storage = storage;
        _shape = shape;
        _strides = strides;
        Offset = offset;
        ElementCount = Shapes.Count(shape);
    }

    internal Tensor(TensorStorage storage, int[] shape)
        : this(storage, shape, Shapes.ContiguousStrides(shape), 0)
    {
    }

    internal TensorStorage Storage { get; }

    internal int Offset { get; }

    internal int[] ShapeArray => _shape;

    internal int[] StridesArray => _strides;

    internal GradNode? GradFn { get; set; }

    /// <summary>The size of each dimension.</summary>
    public ReadOnlySpan<int> Shape => _shape;

    /// <summary>The element step of each dimension in the storage.</summary>
    public ReadOnlySpan<int> Strides => _strides;

    /// <summary>The number of dimensions (0 for a scalar).</summary>
    public int Rank => _shape.Length;

    /// <summary>The number of elements (the product of the shape; 1 for a scalar).</summary>
    public int ElementCount { get; }

    /// <summary>True when the elements are laid out row-major without gaps, so the tensor is one span.</summary>
    public bool IsContiguous => Shapes.IsContiguous(_shape, _strides);

    /// <summary>
    /// Whether gradients are computed for this tensor. Settable on leaves only (tensors that no
    /// operation produced); an operation's result requires gradients when any input does and
    /// gradient recording is on (see <see cref="NoGrad"/>). The default value is false.
    /// </summary>
    public bool RequiresGrad
    {
        get => _requiresGrad || GradFn is not null;
        set
        {
            if (GradFn is not null)
            {
                throw new InvalidOperationException("RequiresGrad can only be set on leaf tensors; use Detach() to make a leaf from an operation's result.");
            }

            _requiresGrad = value;
        }
    }

    /// <summary>True when no recorded operation produced this tensor.</summary>
    public bool IsLeaf => GradFn is null;

    /// <summary>
    /// The accumulated gradient of a leaf after <see cref="Backward"/>, or null. Gradients accumulate
    /// (+=) across backward passes until cleared (optimizers' ZeroGrad). Intermediate results do not keep gradients.
    /// </summary>
    public Tensor? Grad
    {
        get
        {
            if (_gradPendingZero)
            {
                _gradPendingZero = false;
                _grad?.ZeroFill();
            }

            return _grad;
        }

        set
        {
            _gradPendingZero = false;
            _grad = value;
        }
    }

    /// <summary>The gradient buffer without settling a pending zero fill, and whether one is pending.</summary>
    internal Tensor? RawGrad(out bool pendingZero)
    {
        pendingZero = _gradPendingZero && _grad is not null;
        return _grad;
    }

    /// <summary>
    /// Marks the gradient as zero without touching it: the next reader of <see cref="Grad"/> sees zeros, and the next
    /// backward contribution that covers every element overwrites it instead of adding to zeros.
    /// </summary>
    internal void ZeroGradLazily() => _gradPendingZero = _grad is not null;

    /// <summary>Fills the tensor's elements with zeros.</summary>
    internal void ZeroFill()
    {
        if (IsContiguous)
        {
            Span.Clear();
        }
        else
        {
            CopyFrom(new float[ElementCount]);
        }
    }

    /// <summary>The size of dimension <paramref name="dim"/>; negative values count from the end.</summary>
    /// <param name="dim">The dimension.</param>
    /// <returns>Its size.</returns>
    public int Size(int dim) => _shape[Shapes.NormalizeDim(dim, Rank)];

    /// <summary>The element at a multi-index (one index per dimension).</summary>
    /// <param name="index">The indices; negative values count from the end.</param>
    [System.Runtime.CompilerServices.IndexerName("At")]
    public float this[params int[] index]
    {
        get
        {
            ArgumentNullException.ThrowIfNull(index);
            if (index.Length != Rank)
            {
                throw new ArgumentException($"Expected {Rank} indices for a tensor of shape {Shapes.Format(_shape)}, got {index.Length}.", nameof(index));
            }

            var offset = Offset;
            for (var d = 0; d < index.Length; d++)
            {
                var i = index[d] < 0 ? index[d] + _shape[d] : index[d];
                if ((uint)i >= (uint)_shape[d])
                {
                    throw new ArgumentOutOfRangeException(nameof(index), $"Index {index[d]} is out of range for dimension {d} of size {_shape[d]}.");
                }

                offset += i * _strides[d];
            }

            return Storage.Data[offset];
        }
    }

    /// <summary>The data of a contiguous tensor as one span (internal: kernels work on it).</summary>
    internal Span<float> Span
    {
        get
        {
            if (!IsContiguous)
            {
                throw new InvalidOperationException("The tensor is not contiguous.");
            }

            return Storage.Data.AsSpan(Offset, ElementCount);
        }
    }

    /// <summary>The value of a one-element tensor.</summary>
    /// <returns>The value.</returns>
    public float Item()
    {
        if (ElementCount != 1)
        {
            throw new InvalidOperationException($"Item() needs a tensor with one element; this one has shape {Shapes.Format(_shape)}.");
        }

        return Storage.Data[Offset];
    }

    /// <summary>Copies the elements, row-major, into a new array.</summary>
    /// <returns>The values.</returns>
    public float[] ToArray()
    {
        var result = new float[ElementCount];
        CopyTo(result);
        return result;
    }

    /// <summary>Copies the elements, row-major, into <paramref name="destination"/>.</summary>
    /// <param name="destination">A span of at least <see cref="ElementCount"/> elements.</param>
    public void CopyTo(Span<float> destination)
    {
        if (destination.Length < ElementCount)
        {
            throw new ArgumentException("The destination is too short.", nameof(destination));
        }

        if (IsContiguous)
        {
            Storage.Data.AsSpan(Offset, ElementCount).CopyTo(destination);
            return;
        }

        Kernels.StridedKernels.Copy(Storage.Data, Offset, _strides, destination, 0, Shapes.ContiguousStrides(_shape), _shape, accumulate: false);
    }

    /// <summary>
    /// Overwrites this tensor's values from <paramref name="source"/> (row-major) without recording
    /// an operation: for loading weights and in-place updates under <see cref="NoGrad"/>.
    /// </summary>
    /// <param name="source">Exactly <see cref="ElementCount"/> values.</param>
    public void CopyFrom(ReadOnlySpan<float> source)
    {
        if (source.Length != ElementCount)
        {
            throw new ArgumentException($"Expected {ElementCount} values for shape {Shapes.Format(_shape)}, got {source.Length}.", nameof(source));
        }

        if (IsContiguous)
        {
            source.CopyTo(Storage.Data.AsSpan(Offset, ElementCount));
            return;
        }

        Kernels.StridedKernels.Copy(source, 0, Shapes.ContiguousStrides(_shape), Storage.Data, Offset, _strides, _shape, accumulate: false);
    }

    /// <summary>
    /// Keeps this tensor's storage alive when the current <see cref="TensorScope"/> ends by handing it
    /// to the enclosing scope (or to the garbage collector when there is none).
    /// </summary>
    /// <returns>This tensor.</returns>
    public Tensor MoveToOuterScope()
    {
        Storage.Owner?.Yield(Storage);
        return this;
    }

    /// <summary>
    /// Takes this tensor's storage out of the <see cref="TensorScope"/> that owns it, if any, so that no scope
    /// returns it to the pool: it then lives as long as something references it (module parameters and buffers).
    /// </summary>
    /// <returns>This tensor.</returns>
    internal Tensor DetachFromScope()
    {
        // A scope releases only the storages it still owns; with no owner the GC reclaims it.
        Storage.Owner = null;
        return this;
    }

    /// <summary>A tensor sharing this one's values but detached from the graph (a leaf without gradient).</summary>
    /// <returns>The detached view.</returns>
    public Tensor Detach() => new(Storage, _shape, _strides, Offset);

    /// <summary>A copy that owns its values, detached from the graph.</summary>
    /// <returns>The copy.</returns>
    public Tensor Clone()
    {
        var result = Empty(_shape);
        CopyTo(result.Span);
        return result;
    }

    /// <summary>
    /// Computes gradients of this tensor with respect to every leaf that requires them, accumulating
    /// into their <see cref="Grad"/>. Without <paramref name="gradient"/> the tensor must have one element
    /// (the gradient is then 1). The graph is freed afterwards unless <paramref name="retainGraph"/>.
    /// </summary>
    /// <param name="gradient">The gradient of the output, same shape; the default value is null (ones for a scalar).</param>
    /// <param name="retainGraph">Keep the graph for another backward pass. The default value is false.</param>
    public void Backward(Tensor? gradient = null, bool retainGraph = false) => AutogradEngine.Backward(this, gradient, retainGraph);

    /// <summary>Turns gradient recording off on this thread until the returned scope is disposed.</summary>
    /// <returns>The scope restoring the previous mode.</returns>
    public static GradModeScope NoGrad() => GradMode.Set(false);

    /// <summary>A short description: shape and the first values.</summary>
    /// <returns>The text.</returns>
    public override string ToString()
    {
        var sb = new StringBuilder();
        sb.Append("Tensor").Append(Shapes.Format(_shape)).Append(" [");
        var values = Storage.IsReleased ? [] : ToArray();
        var n = Math.Min(values.Length, 8);
        for (var i = 0; i < n; i++)
        {
            sb.Append(i == 0 ? string.Empty : ", ").Append(values[i].ToString("G6", CultureInfo.InvariantCulture));
        }

        sb.Append(values.Length > n ? ", ...]" : "]");
        return sb.ToString();
    }
}
