namespace Alignment;

/// <summary>
/// A pool of float arrays. A request for n floats gets the shortest idle array of at least n and at most
/// <see cref="MaxWaste"/>·n floats, or a new array of exactly n: a training step of a fixed-size model asks for the
/// same lengths every step, so after the first step every request is served from the pool, and batches of varying
/// shapes reuse the arrays of longer ones. Arrays may therefore be longer than asked for: users keep their own length.
/// </summary>
/// <remarks>
/// The pool is bounded, so that batches of varying shapes (sequences padded to the longest of each batch) do not
/// keep an array of every length ever seen. Time is counted in steps: a step ends at the end of every
/// <see cref="Tensor.Backward"/> and of every outermost <see cref="TensorScope"/> (<see cref="EndStep"/>). At the end
/// of a step the idle arrays are cut down to twice the largest volume rented within one step among the last
/// <see cref="StepWindow"/> steps, dropping the least recently used lengths first: a step that repeats the same
/// shapes finds everything it needs, and shapes that stop coming are let go to the garbage collector. Between steps
/// (code that never ends one) <see cref="LimitBytes"/> caps the idle arrays. New arrays come from
/// <see cref="LargeArrays"/> (large ones on transparent huge pages, on Linux).
/// </remarks>
internal static class TensorPool
{
    /// <summary>Number of recent steps whose largest rented volume sets how much the pool keeps.</summary>
    internal const int StepWindow = 256;

    /// <summary>The longest idle array a request of n floats may take is MaxWaste·n floats.</summary>
    internal const int MaxWaste = 2;

    // Idle arrays by array length, shortest first.
    private static readonly SortedList<int, Bucket> Buckets = [];
    private static readonly Lock Gate = new();

    // Bytes rented in each of the last StepWindow steps (ring), and in the step under way.
    private static readonly long[] StepVolumes = new long[StepWindow];
    private static long _currentVolume;
    private static long _steps;

    private static long _allocations;
    private static long _rents;
    private static long _pooledBytes;
    private static long _limitBytes = DefaultLimitBytes();

    /// <summary>Number of arrays the pool had to allocate because none was free (monotonic).</summary>
    public static long Allocations => Interlocked.Read(ref _allocations);

    /// <summary>Number of rent requests served (monotonic).</summary>
    public static long Rents => Interlocked.Read(ref _rents);

    /// <summary>Bytes of the arrays the pool holds idle now.</summary>
    public static long PooledBytes
    {
        get
        {
            lock (Gate)
            {
                return _pooledBytes;
            }
        }
    }

    /// <summary>
    /// The most bytes of idle arrays the pool keeps at any time (the default value is a quarter of the memory
    /// available to the process, at least 256 MiB). Lowering it drops the least recently used lengths at once.
    /// </summary>
    public static long LimitBytes
    {
        get
        {
            lock (Gate)
            {
                return _limitBytes;
            }
        }

        set
        {
            ArgumentOutOfRangeException.ThrowIfNegative(value);
            lock (Gate)
            {
                _limitBytes = value;
                TrimTo(value);
            }
        }
    }

    /// <summary>An array of at least <paramref name="length"/> floats, its first <paramref name="length"/> zeroed when asked.</summary>
    public static float[] Rent(int length, bool zero)
    {
        Interlocked.Increment(ref _rents);
        float[]? array = null;
        lock (Gate)
        {
            var keys = Buckets.Keys;
            var values = Buckets.Values;
            long longest = (long)length * MaxWaste;
            for (int i = LowerBound(keys, length); i < keys.Count && keys[i] <= longest; i++)
            {
                var bucket = values[i];
                if (bucket.Arrays.TryPop(out array))
                {
                    bucket.LastUsed = _steps;
                    _pooledBytes -= Bytes(array.Length);
                    break;
                }
            }

            _currentVolume += Bytes(array?.Length ?? length);
        }

        if (array is null)
        {
            Interlocked.Increment(ref _allocations);
            return LargeArrays.Allocate(length);
        }

        if (zero)
        {
            Array.Clear(array, 0, length);
        }

        return array;
    }

    /// <summary>Gives an array (from <see cref="Rent"/>, or any other) to the pool; the caller must not use it afterwards.</summary>
    public static void Return(float[] array)
    {
        lock (Gate)
        {
            if (!Buckets.TryGetValue(array.Length, out var bucket))
            {
                bucket = new Bucket();
                Buckets.Add(array.Length, bucket);
            }

            bucket.LastUsed = _steps;
            bucket.Arrays.Push(array);
            _pooledBytes += Bytes(array.Length);
            if (_pooledBytes > _limitBytes)
            {
                TrimTo(_limitBytes);
            }
        }
    }

    /// <summary>
    /// Ends a step: records its rented volume, then drops the least recently used idle arrays until the pool holds at
    /// most twice the largest volume of the last <see cref="StepWindow"/> steps (and at most <see cref="LimitBytes"/>).
    /// </summary>
    public static void EndStep()
    {
        lock (Gate)
        {
            StepVolumes[_steps % StepWindow] = _currentVolume;
            _currentVolume = 0;
            _steps++;
            long largest = 0;
            foreach (var volume in StepVolumes)
            {
                largest = Math.Max(largest, volume);
            }

            TrimTo(Math.Min(_limitBytes, 2 * largest));
        }
    }

    /// <summary>Drops every pooled array so the GC can reclaim it, and forgets the volumes of past steps.</summary>
    public static void Clear()
    {
        lock (Gate)
        {
            Buckets.Clear();
            _pooledBytes = 0;
            Array.Clear(StepVolumes);
            _currentVolume = 0;
        }
    }

    private static long Bytes(int length) => (long)length * sizeof(float);

    // The index of the first key ≥ length.
    private static int LowerBound(IList<int> keys, int length)
    {
        int lo = 0, hi = keys.Count;
        while (lo < hi)
        {
            int mid = (lo + hi) >>> 1;
            if (keys[mid] < length)
            {
                lo = mid + 1;
            }
            else
            {
                hi = mid;
            }
        }

        return lo;
    }

    // Called under the gate: drops idle arrays, least recently used lengths first, until at most `target` bytes remain;
    // lengths with no idle array left that were last used before this step are forgotten.
    private static void TrimTo(long target)
    {
        while (_pooledBytes > target)
        {
            Bucket? victim = null;
            foreach (var bucket in Buckets.Values)
            {
                if (bucket.Arrays.Count > 0 && (victim is null || bucket.LastUsed < victim.LastUsed))
                {
                    victim = bucket;
                }
            }

            if (victim is null)
            {
                break;
            }

            while (_pooledBytes > target && victim.Arrays.TryPop(out var dropped))
            {
                _pooledBytes -= Bytes(dropped.Length);
            }
        }

        List<int>? forgotten = null;
        foreach (var (length, bucket) in Buckets)
        {
            if (bucket.Arrays.Count == 0 && bucket.LastUsed < _steps)
            {
                (forgotten ??= []).Add(length);
            }
        }

        if (forgotten is not null)
        {
            foreach (var length in forgotten)
            {
                Buckets.Remove(length);
            }
        }
    }

    private static long DefaultLimitBytes()
    {
        long available = GC.GetGCMemoryInfo().TotalAvailableMemoryBytes;
        return Math.Max(256L << 20, available / 4);
    }

    private sealed class Bucket
    {
        public Stack<float[]> Arrays { get; } = new();

        // The step in which an array of this length was last rented or returned.
        public long LastUsed { get; set; }
    }
}
