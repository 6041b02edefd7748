using Alignment.Kernels;

namespace Alignment.Tests.Kernels;

public class WorkerTeamTests
{
    // A team of its own (one worker besides the caller), so these tests do not depend on the machine's cores.
    private static readonly WorkerTeam Team = new(1);

    [Fact]
    public void For_ManyJobs_RunsEveryItemExactlyOnce()
    {
        for (int job = 0; job < 300; job++)
        {
            int count = 1 + (job * 37 % 200);
            int[] hits = new int[count];
            Team.For(count, i => Interlocked.Increment(ref hits[i]));
            Assert.All(hits, h => Assert.Equal(1, h));
        }
    }

    [Fact]
    public void For_JobsOfChangingSize_BackToBack_RunEveryItemOnceBeforeReturning()
    {
        // A worker still looking for items of the job that just ended must not claim one of it once the next job's
        // size is set: it would run an item of the new job twice, or with no body at all, and end the new job early.
        // The window is a few instructions wide, so the jobs follow each other as fast as they can (an assertion per
        // job would slow them down enough to hide it) and the wrong ones are counted.
        var random = new Random(3);
        int[] hits = new int[32];
        int wrong = 0;
        Exception? error = null;
        for (int job = 0; job < 200_000; job++)
        {
            int count = job % 2 == 0 ? 2 : 2 + random.Next(30);
            int spin = random.Next(1, 50);
            Array.Clear(hits);
            try
            {
                Team.For(count, i =>
                {
                    Interlocked.Increment(ref hits[i]);
                    if (i == 0)
                    {
                        Thread.SpinWait(spin);
                    }
                });
            }
            catch (Exception e)
            {
                error ??= e;
            }

            for (int i = 0; i < hits.Length; i++)
            {
                if (Volatile.Read(ref hits[i]) != (i < count ? 1 : 0))
                {
                    wrong++;
                    break;
                }
            }
        }

        Assert.Null(error);
        Assert.Equal(0, wrong);
    }

    [Fact]
    public void For_ItemThrows_RethrowsAfterAllItemsAndStaysUsable()
    {
        int ran = 0;
        var error = Assert.Throws<InvalidOperationException>(() => Team.For(50, i =>
        {
            Interlocked.Increment(ref ran);
            if (i == 7)
            {
                throw new InvalidOperationException("item 7");
            }
        }));
        Assert.Equal("item 7", error.Message);
        Assert.Equal(50, ran);

        int[] hits = new int[20];
        Team.For(20, i => hits[i]++);
        Assert.All(hits, h => Assert.Equal(1, h));
    }

    [Fact]
    public void For_CalledFromInsideAnItem_RunsInlineOnThatThread()
    {
        int[] hits = new int[8 * 8];
        Team.For(8, i =>
        {
            int outer = Environment.CurrentManagedThreadId;
            Team.For(8, j =>
            {
                Assert.Equal(outer, Environment.CurrentManagedThreadId);
                hits[(i * 8) + j]++;
            });
        });
        Assert.All(hits, h => Assert.Equal(1, h));
    }

    [Fact]
    public void For_SeveralCallingThreads_EachGetsAllItems()
    {
        const int callers = 4;
        int[][] hits = new int[callers][];
        var threads = new Thread[callers];
        for (int t = 0; t < callers; t++)
        {
            int caller = t;
            hits[caller] = new int[64];
            threads[caller] = new Thread(() =>
            {
                for (int round = 0; round < 100; round++)
                {
                    Team.For(64, i => Interlocked.Increment(ref hits[caller][i]));
                }
            });
            threads[caller].Start();
        }

        foreach (Thread thread in threads)
        {
            thread.Join();
        }

        Assert.All(hits, h => Assert.All(h, x => Assert.Equal(100, x)));
    }

    [Fact]
    public void For_TwoItemsThatWaitForEachOther_RunAtTheSameTimeOnDistinctThreads()
    {
        for (int job = 0; job < 100; job++)
        {
            int[] threadIds = new int[2];
            bool bothStarted = RunTwoItemsThatWaitForEachOther(Team, threadIds, TimeSpan.FromSeconds(30));
            Assert.True(bothStarted, "the second item never started while the first was running");
            Assert.NotEqual(threadIds[0], threadIds[1]);
        }
    }

    [Fact]
    public async Task For_AsTheFirstJob_IsJoinedByAWorkerThatStartsRunningOnlyAfterItWasPublished()
    {
        // A new team's first job can be published before its worker threads run their first line. A worker that took
        // the generation it had "seen" from that first look would skip the first job; a job whose items wait for one
        // another would then wait for it for ever (about 4 % of processes whose first parallel kernel was a GEMM of
        // that kind hung).
        using var published = new ManualResetEventSlim();
        var team = new WorkerTeam(1, starting: _ => published.Wait(TimeSpan.FromSeconds(30)));
        bool bothStarted = false;
        var job = Task.Run(() =>
        {
            int[] threadIds = new int[2];
            bothStarted = RunTwoItemsThatWaitForEachOther(team, threadIds, TimeSpan.FromSeconds(10), published);
        });

        bool ended = await Task.WhenAny(job, Task.Delay(TimeSpan.FromSeconds(60))) == job;
        Assert.True(ended, "the job never ended");
        Assert.True(bothStarted, "the worker never joined the team's first job");
    }

    // Runs a job of two items, each of which waits (up to the timeout) until both have started; true when they did.
    // The first item to start sets the optional event (the job is published by then).
    private static bool RunTwoItemsThatWaitForEachOther(WorkerTeam team, int[] threadIds, TimeSpan timeout, ManualResetEventSlim? started = null)
    {
        int arrived = 0;
        bool met = true;
        team.For(2, i =>
        {
            threadIds[i] = Environment.CurrentManagedThreadId;
            Interlocked.Increment(ref arrived);
            started?.Set();
            var deadline = DateTime.UtcNow + timeout;
            while (Volatile.Read(ref arrived) < 2)
            {
                if (DateTime.UtcNow > deadline)
                {
                    met = false;
                    return;
                }

                Thread.SpinWait(10);
            }
        });
        return met;
    }

    [Fact]
    public void Threads_CountsTheCaller()
    {
        Assert.Equal(2, Team.Threads);
        Assert.Equal(Environment.ProcessorCount, WorkerTeam.Shared.Threads);
    }
}
