using System.Diagnostics;
using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;
using System.Runtime.ExceptionServices;

namespace Alignment.Kernels;

/// <summary>
/// The threads the kernels' parallel loops run on: the calling thread plus a fixed team of background workers
/// (one per core beyond the first). Between jobs the workers spin for a short while before they sleep, so the
/// short, frequent loops of decoding and training pay neither a thread-pool dispatch nor a wake-up each time.
/// One job runs at a time. A thread that arrives while the team is busy falls back to <see cref="Parallel"/>;
/// a loop started from inside a job runs on the thread that started it.
/// </summary>
internal sealed class WorkerTeam
{
    // How long an idle worker keeps polling for the next job before it blocks.
    private static readonly long SpinTicks = Stopwatch.Frequency / 4000;

    [ThreadStatic]
    private static bool t_inside;

    private readonly Worker[] _workers;

    // 0 while free; 1 while a job runs.
    private int _busy;

    // The low word of _state once a job has ended: no item left to claim, whatever the next job's count.
    private const long Ended = 0x7FFFFFFFL;

    // The current job: generation in the high 32 bits, the next unclaimed item in the low 32 bits (one read gives
    // a consistent pair).
    private long _state;
    private uint _generation;
    private Action<int>? _item;
    private int _count;
    private int _completed;
    private Exception? _error;

    /// <summary>Creates a team with <paramref name="workers"/> background threads besides the caller.</summary>
    public WorkerTeam(int workers)
        : this(workers, starting: null)
    {
    }

    /// <summary>
    /// Creates a team whose workers first call <paramref name="starting"/>(worker index) on their own thread, before they
    /// look for jobs (tests use it to hold a worker back until a job has been published).
    /// </summary>
    internal WorkerTeam(int workers, Action<int>? starting)
    {
        _workers = new Worker[Math.Max(0, workers)];
        for (int i = 0; i < _workers.Length; i++)
        {
            var worker = new Worker(this, i, starting);
            _workers[i] = worker;
            worker.Start();
        }
    }

    /// <summary>The process-wide team: one worker per core beyond the first.</summary>
    public static WorkerTeam Shared { get; } = new(Environment.ProcessorCount - 1);

    /// <summary>Threads a job can use: the workers plus the caller.</summary>
    public int Threads => _workers.Length + 1;

    /// <summary>
    /// Runs <paramref name="body"/>(i) for every i in [0, <paramref name="count"/>), each exactly once, items handed
    /// out one at a time to whichever thread is free. Returns when all have run; the first exception thrown by an
    /// item is rethrown after that.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void For(int count, Action<int> body)
    {
        ArgumentNullException.ThrowIfNull(body);
        if (count <= 0)
        {
            return;
        }

        if (count == 1 || _workers.Length == 0 || t_inside)
        {
            for (int i = 0; i < count; i++)
            {
                body(i);
            }

            return;
        }

        if (Interlocked.CompareExchange(ref _busy, 1, 0) != 0)
        {
            Parallel.For(0, count, body);
            return;
        }

        _item = body;
        Run(count);
    }

    // Called with _busy held and the body stored.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void Run(int count)
    {
        try
        {
            _count = count;
            _completed = 0;
            _error = null;
            uint generation = unchecked(++_generation);

            // A full fence: the job is visible before any worker's sleeping flag is read.
            Interlocked.Exchange(ref _state, (long)generation << 32);
            foreach (Worker worker in _workers)
            {
                worker.Wake();
            }

            Claim(generation);

            var spin = default(SpinWait);
            while (Volatile.Read(ref _completed) < count)
            {
                spin.SpinOnce(sleep1Threshold: -1);
            }

            // Close the job before its fields are reused: a worker still in Claim may have read this job's state just
            // before, and the next job's _count and _item just after, they are set. Its compare-exchange on the old
            // state then fails, instead of claiming an item of the next job under this one's generation.
            Interlocked.Exchange(ref _state, ((long)generation << 32) | Ended);
            _item = null;
            if (_error is { } error)
            {
                _error = null;
                ExceptionDispatchInfo.Throw(error);
            }
        }
        finally
        {
            Volatile.Write(ref _busy, 0);
        }
    }

    // Takes items of job `generation` until none are left. An item claimed by a successful compare-exchange
    // belongs to that job, and the job cannot end (and its body be replaced) before the item is marked done.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void Claim(uint generation)
    {
        bool outer = t_inside;
        t_inside = true;
        try
        {
            while (true)
            {
                long state = Volatile.Read(ref _state);
                if ((uint)(state >> 32) != generation)
                {
                    return;
                }

                int item = (int)(state & 0xFFFFFFFF);
                if (item >= Volatile.Read(ref _count))
                {
                    return;
                }

                if (Interlocked.CompareExchange(ref _state, state + 1, state) != state)
                {
                    continue;
                }

                try
                {
                    _item!(item);
                }
                catch (Exception e)
                {
                    Interlocked.CompareExchange(ref _error, e, null);
                }
                finally
                {
                    Interlocked.Increment(ref _completed);
                }
            }
        }
        finally
        {
            t_inside = outer;
        }
    }

    private uint CurrentGeneration => (uint)(Volatile.Read(ref _state) >> 32);

    [SuppressMessage("Design", "CA1001", Justification = "Workers live as long as the process; their semaphore is never released early.")]
    private sealed class Worker
    {
        private readonly WorkerTeam _team;
        private readonly int _index;
        private readonly SemaphoreSlim _signal = new(0);
        private readonly Thread _thread;
        private readonly Action<int>? _starting;

        // The last generation this worker has looked at. Read here, on the thread that creates the team and before any
        // job can be published: read by the new thread instead, it could already be the first job's, which the worker
        // would then skip (a job whose items wait for one another would wait for it forever).
        private readonly uint _initial;

        // 1 while the worker is (about to be) blocked on _signal.
        private int _sleeping;

        public Worker(WorkerTeam team, int index, Action<int>? starting)
        {
            _team = team;
            _index = index;
            _starting = starting;
            _initial = team.CurrentGeneration;
            _thread = new Thread(Loop) { IsBackground = true, Name = $"Alignment worker {index + 1}" };
        }

        public void Start() => _thread.Start();

        public void Wake()
        {
            if (Volatile.Read(ref _sleeping) == 1 && Interlocked.Exchange(ref _sleeping, 0) == 1)
            {
                _signal.Release();
            }
        }

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        private void Loop()
        {
            _starting?.Invoke(_index);
            uint seen = _initial;
            while (true)
            {
                seen = WaitForJob(seen);
                _team.Claim(seen);
            }
        }

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        private uint WaitForJob(uint seen)
        {
            long start = Stopwatch.GetTimestamp();
            while (true)
            {
                uint generation = _team.CurrentGeneration;
                if (generation != seen)
                {
                    return generation;
                }

                if (Stopwatch.GetTimestamp() - start < SpinTicks)
                {
                    Thread.SpinWait(32);
                    continue;
                }

                // Announce the sleep (a full fence), then look once more: either this read sees the new job or
                // the caller's Wake sees the flag (the caller publishes the job with a full fence before reading it).
                Interlocked.Exchange(ref _sleeping, 1);
                generation = _team.CurrentGeneration;
                if (generation != seen)
                {
                    if (Interlocked.Exchange(ref _sleeping, 0) == 0)
                    {
                        // The caller took the flag and released the signal: consume it.
                        _signal.Wait();
                    }

                    return generation;
                }

                _signal.Wait();
                start = Stopwatch.GetTimestamp();
            }
        }
    }
}
