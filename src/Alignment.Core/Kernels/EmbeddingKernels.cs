using System.Diagnostics.CodeAnalysis;
using System.Numerics.Tensors;

namespace Alignment.Kernels;

/// <summary>Token-embedding lookup and its scatter-add gradient.</summary>
internal static class EmbeddingKernels
{
    // ids: [n]; table: [vocab, dim]; output: [n, dim]
    /// <summary>output[i] = table[ids[i]].</summary>
    /// <exception cref="ArgumentOutOfRangeException">An id outside [0, vocab).</exception>
    public static void Forward(ReadOnlySpan<int> ids, ReadOnlySpan<float> table, Span<float> output, int vocab, int dim)
    {
        KernelGuard.NonNegative(vocab, nameof(vocab));
        KernelGuard.NonNegative(dim, nameof(dim));
        KernelGuard.Length(table.Length, KernelGuard.Product(vocab, dim), nameof(table));
        KernelGuard.Length(output.Length, KernelGuard.Product(ids.Length, dim), nameof(output));
        CheckIds(ids, vocab, nameof(ids));
        for (int i = 0; i < ids.Length; i++)
        {
            table.Slice(ids[i] * dim, dim).CopyTo(output.Slice(i * dim, dim));
        }
    }

    // ids: [n]; doutput: [n, dim]; dtable: [vocab, dim]
    /// <summary>dtable[ids[i]] += doutput[i], applied in increasing i so the result is deterministic.</summary>
    /// <exception cref="ArgumentOutOfRangeException">An id outside [0, vocab).</exception>
    public static void Backward(ReadOnlySpan<int> ids, ReadOnlySpan<float> doutput, Span<float> dtable, int vocab, int dim)
    {
        KernelGuard.NonNegative(vocab, nameof(vocab));
        KernelGuard.NonNegative(dim, nameof(dim));
        KernelGuard.Length(doutput.Length, KernelGuard.Product(ids.Length, dim), nameof(doutput));
        KernelGuard.Length(dtable.Length, KernelGuard.Product(vocab, dim), nameof(dtable));
        CheckIds(ids, vocab, nameof(ids));
        for (int i = 0; i < ids.Length; i++)
        {
            Span<float> row = dtable.Slice(ids[i] * dim, dim);
            TensorPrimitives.Add(row, doutput.Slice(i * dim, dim), row);
        }
    }

    // ids: [n]
    private static void CheckIds(ReadOnlySpan<int> ids, int vocab, string paramName)
    {
        for (int i = 0; i < ids.Length; i++)
        {
            if ((uint)ids[i] >= (uint)vocab)
            {
                ThrowId(paramName, i, ids[i], vocab);
            }
        }
    }

    [DoesNotReturn]
    private static void ThrowId(string paramName, int position, int id, int vocab) =>
        throw new ArgumentOutOfRangeException(paramName, id, $"ids[{position}] = {id} is outside [0, {vocab}).");
}
