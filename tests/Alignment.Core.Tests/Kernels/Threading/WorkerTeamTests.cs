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
    public void Gang_TwoParticipants_RunAtTheSameTimeOnDistinctThreads()
    {
        for (int job = 0; job < 100; job++)
        {
            int arrived = 0;
            int[] threadIds = new int[2];
            int participants = 0;
            Team.Gang(2, (p, count) =>
            {
                participants = count;
                threadIds[p] = Environment.CurrentManagedThreadId;
                Interlocked.Increment(ref arrived);

                // Each waits for the other: run one after the other, this would time out.
                var deadline = DateTime.UtcNow.AddSeconds(30);
                while (Volatile.Read(ref arrived) < count)
                {
                    Assert.True(DateTime.UtcNow < deadline, "the other participant never started");
                    Thread.SpinWait(10);
                }
            });

            Assert.Equal(2, participants);
            Assert.Equal(2, arrived);
            Assert.NotEqual(threadIds[0], threadIds[1]);
        }
    }

    [Fact]
    public async Task Gang_AsTheFirstJob_IsJoinedByAWorkerThatStartsRunningOnlyAfterItWasPublished()
    {
        // A new team's first job can be published before its worker threads run their first line. A worker that took
        // the generation it had "seen" from that first look would skip the first job, and a gang job, which waits for
        // every participant, would never end (about 4 % of processes whose first parallel kernel was a GEMM hung).
        using var published = new ManualResetEventSlim();
        var team = new WorkerTeam(1, starting: _ => published.Wait(TimeSpan.FromSeconds(30)));
        int arrived = 0;
        var gang = Task.Run(() => team.Gang(2, (p, count) =>
        {
            if (p == 0)
            {
                published.Set();
            }

            Interlocked.Increment(ref arrived);
            var deadline = DateTime.UtcNow.AddSeconds(10);
            while (Volatile.Read(ref arrived) < count && DateTime.UtcNow < deadline)
            {
                Thread.SpinWait(10);
            }
        }));

        bool ended = await Task.WhenAny(gang, Task.Delay(TimeSpan.FromSeconds(30))) == gang;
        Assert.True(ended, "the worker never joined the team's first job");
        Assert.Equal(2, arrived);
    }

    [Fact]
    public void Gang_FromInsideAJob_GetsOneParticipant()
    {
        int[] counts = new int[4];
        Team.For(4, i => Team.Gang(2, (p, count) => counts[i] = count + p));
        Assert.All(counts, c => Assert.Equal(1, c));
    }

    [Fact]
    public void Threads_CountsTheCaller()
    {
        Assert.Equal(2, Team.Threads);
        Assert.Equal(Environment.ProcessorCount, WorkerTeam.Shared.Threads);
    }
}
