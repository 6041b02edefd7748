namespace Alignment;

/// <summary>
/// A pool of float arrays keyed by exact length. A training step of a fixed-size model asks for the
/// same lengths every step, so after the first step every request is served from the pool.
/// </summary>
internal static class TensorPool
{
    private static readonly Dictionary<int, Stack<float[]>> Buckets = [];
    private static readonly Lock Gate = new();
    private static long _allocations;
    private static long _rents;

    /// <summary>Number of arrays the pool had to allocate because none was free (monotonic).</summary>
    public static long Allocations => Interlocked.Read(ref _allocations);

    /// <summary>Number of rent requests served (monotonic).</summary>
    public static long Rents => Interlocked.Read(ref _rents);

    public static float[] Rent(int length, bool zero)
    {
        Interlocked.Increment(ref _rents);
        float[]? array = null;
        lock (Gate)
        {
            if (Buckets.TryGetValue(length, out var stack) && stack.Count > 0)
            {
                array = stack.Pop();
            }
        }

        if (array is null)
        {
            Interlocked.Increment(ref _allocations);
            return new float[length];
        }

        if (zero)
        {
            Array.Clear(array);
        }

        return array;
    }

    public static void Return(float[] array, int length)
    {
        lock (Gate)
        {
            if (!Buckets.TryGetValue(length, out var stack))
            {
                stack = new Stack<float[]>();
                Buckets[length] = stack;
            }

            stack.Push(array);
        }
    }

    /// <summary>Drops every pooled array so the GC can reclaim it.</summary>
    public static void Clear()
    {
        lock (Gate)
        {
            Buckets.Clear();
        }
    }
}
