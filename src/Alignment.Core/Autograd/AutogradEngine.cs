using System.Numerics.Tensors;

namespace Alignment;

/// <summary>Reverse-mode differentiation over the recorded graph, in iterative topological order.</summary>
internal static class AutogradEngine
{
    /// <summary>True when an operation on these inputs must be recorded.</summary>
    public static bool ShouldRecord(Tensor a) => GradMode.Enabled && a.RequiresGrad;

    public static bool ShouldRecord(Tensor a, Tensor b) => GradMode.Enabled && (a.RequiresGrad || b.RequiresGrad);

    public static bool ShouldRecord(ReadOnlySpan<Tensor> inputs)
    {
        if (!GradMode.Enabled)
        {
            return false;
        }

        foreach (var t in inputs)
        {
            if (t.RequiresGrad)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Attaches a backward rule to <paramref name="result"/>.</summary>
    public static Tensor Record(Tensor result, string name, Tensor[] inputs, Action<Tensor> backward)
    {
        result.GradFn = new GradNode(name, inputs, backward);
        return result;
    }

    /// <summary>
    /// The gradient buffer of <paramref name="t"/> (contiguous, its shape) to accumulate into, created
    /// zeroed on first use. Leaves get storage no scope owns; intermediates get pooled storage that the
    /// engine returns right after their own backward rule has run.
    /// </summary>
    public static Span<float> GradSpan(Tensor t)
    {
        var grad = t.Grad;
        if (grad is null)
        {
            grad = new Tensor(TensorStorage.AllocateUnscoped(t.ElementCount, zero: true), (int[])t.ShapeArray.Clone());
            t.Grad = grad;
        }

        return grad.Span;
    }

    /// <summary>
    /// The gradient buffer of <paramref name="t"/> for a contribution that covers every element: when
    /// <paramref name="t"/> has no gradient yet the buffer is allocated without zeroing and
    /// <paramref name="accumulate"/> is false, so the caller must overwrite all of it; otherwise the caller adds to it.
    /// </summary>
    public static Span<float> GradSpanForWrite(Tensor t, out bool accumulate)
    {
        var grad = t.RawGrad(out var pendingZero);
        if (grad is not null)
        {
            if (pendingZero)
            {
                t.Grad = grad; // settles the pending zero fill: this contribution overwrites it
            }

            accumulate = !pendingZero;
            return grad.Span;
        }

        grad = new Tensor(TensorStorage.AllocateUnscoped(t.ElementCount, zero: false), (int[])t.ShapeArray.Clone());
        t.Grad = grad;
        accumulate = false;
        return grad.Span;
    }

    public static void Backward(Tensor root, Tensor? gradient, bool retainGraph)
    {
        if (!root.RequiresGrad)
        {
            throw new InvalidOperationException("Backward() needs a tensor that requires gradients: nothing it depends on has RequiresGrad = true (or it was computed under NoGrad).");
        }

        if (gradient is null)
        {
            if (root.ElementCount != 1)
            {
                throw new InvalidOperationException($"Backward() without a gradient needs a one-element tensor; this one has shape {Shapes.Format(root.ShapeArray)}.");
            }
        }
        else if (!Shapes.SameShape(gradient.ShapeArray, root.ShapeArray))
        {
            throw new ArgumentException($"The gradient's shape {Shapes.Format(gradient.ShapeArray)} differs from the tensor's {Shapes.Format(root.ShapeArray)}.", nameof(gradient));
        }

        var order = TopologicalOrder(root);
        var rootGrad = GradSpan(root);
        if (gradient is null)
        {
            rootGrad[0] += 1f;
        }
        else
        {
            var g = gradient.IsContiguous ? gradient.Span : gradient.ToArray();
            TensorPrimitives.Add(rootGrad, g, rootGrad);
        }

        for (var i = order.Count - 1; i >= 0; i--)
        {
            var t = order[i];
            var node = t.GradFn;
            if (node is null)
            {
                continue; // a leaf: its gradient stays
            }

            var grad = t.Grad;
            if (grad is not null)
            {
                var fn = node.BackwardFn ?? throw new InvalidOperationException($"The graph through '{node.Name}' was already freed by an earlier Backward(); pass retainGraph: true to backpropagate twice.");
                fn(grad);
                t.Grad = null;
                TensorPool.Return(grad.Storage.Data);
            }

            if (!retainGraph)
            {
                node.Free();
            }
        }

        TensorPool.EndStep();
    }

    private static List<Tensor> TopologicalOrder(Tensor root)
    {
        var order = new List<Tensor>();
        var visited = new HashSet<Tensor>(ReferenceEqualityComparer.Instance);
        var stack = new Stack<(Tensor Tensor, int Next)>();
        stack.Push((root, 0));
        visited.Add(root);
        while (stack.Count > 0)
        {
            var (t, next) = stack.Pop();
            var inputs = t.GradFn?.Inputs;
            if (inputs is not null && next < inputs.Length)
            {
                stack.Push((t, next + 1));
                var child = inputs[next];
                if (child.RequiresGrad && visited.Add(child))
                {
                    stack.Push((child, 0));
                }
            }
            else
            {
                order.Add(t);
            }
        }

        return order;
    }
}
