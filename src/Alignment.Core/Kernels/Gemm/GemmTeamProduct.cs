using System.Runtime.CompilerServices;

namespace Alignment.Kernels;

/// <summary>
/// One packed product shared by the threads of a <see cref="WorkerTeam"/> gang. For each NC-wide, KC-deep block
/// the participants pack B together into one shared buffer (each a share of its panels), meet at a barrier, then
/// take work items from one counter until the block's items are gone: row blocks about MC tall (each packing its
/// own A block), or, for products with few rows, ranges of B panels (each participant packing all of A once per
/// block). B is packed once instead of once per thread, and a core slowed down by other work simply takes fewer
/// items. Two B buffers alternate, so a participant that runs out of items packs the next block while the others
/// finish, and one barrier per block suffices. Every element of C receives the same KC-deep partial sums, in the
/// same order, as in the single-threaded driver, so results do not depend on the number of threads or on who took
/// which item.
/// </summary>
internal sealed unsafe class GemmTeamProduct<TKernel>
    where TKernel : struct, IGemmMicroKernel
{
    // Items per block wanted per participant, for balance.
    private const int ItemsPerParticipant = 8;

    private readonly GemmArgs _g;
    private readonly int _kc;
    private readonly int _nc;
    private readonly int _rowPanels;
    private readonly int _rowBlocks;
    private readonly int _wanted;
    private readonly nint _packALength;
    private readonly float* _shared;
    private readonly nint _bufferLength;

    // The next unclaimed item, numbered across all blocks in order.
    private int _next;

    // Barrier: participants arrived at the current phase, and the phase number.
    private int _arrived;
    private int _phase;

    // Set when a participant throws: the others leave at their next barrier instead of waiting there for it forever.
    private int _failed;

    private GemmTeamProduct(in GemmArgs g, int participants)
    {
        _g = g;
        int mr = TKernel.MR;
        int nr = TKernel.NR;
        _kc = GemmPartition.BlockSize(g.K, TKernel.KC, 8);
        _nc = GemmPartition.BlockSize(g.N, TKernel.NC, nr);
        _wanted = ItemsPerParticipant * participants;

        // Items are row blocks about MC tall, their count rounded up to a multiple of the participants so equal items
        // share out evenly, when there are at least two per participant (shorter row blocks reuse each B panel for
        // too few micro-kernel calls: measured slower). Otherwise there is a single row block, which each participant
        // packs once per block, and the items are ranges of B panels instead.
        _rowPanels = (g.M + mr - 1) / mr;
        int blocks = (g.M + TKernel.MC - 1) / TKernel.MC;
        if (blocks >= 2 * participants)
        {
            blocks = Math.Min(_rowPanels, (blocks + participants - 1) / participants * participants);
        }
        else
        {
            blocks = 1;
        }

        _rowBlocks = blocks;
        _packALength = (nint)((_rowPanels + blocks - 1) / blocks) * GemmPacking.PanelStride(mr, _kc);
        _bufferLength = (nint)((_nc + nr - 1) / nr) * GemmPacking.PanelStride(nr, _kc);
        _shared = GemmBuffers.B(2L * _bufferLength);
    }

    /// <summary>C (+)= op(A)·op(B) on up to <paramref name="threads"/> threads of the shared team.</summary>
    public static void Run(in GemmArgs g, int threads)
    {
        var product = new GemmTeamProduct<TKernel>(g, Math.Min(threads, WorkerTeam.Shared.Threads));
        WorkerTeam.Shared.Gang(threads, product.Participate);
    }

    // A participant that throws marks the product failed (the team rethrows its exception once every participant is
    // back); the others see the mark at their next barrier and return.
    private void Participate(int participant, int participants)
    {
        try
        {
            Work(participant, participants);
        }
        catch
        {
            Volatile.Write(ref _failed, 1);
            throw;
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void Work(int participant, int participants)
    {
        int nr = TKernel.NR;
        int mr = TKernel.MR;
        float* packA = GemmBuffers.A(_packALength);
        float* tile = stackalloc float[mr * nr];
        int held = -1;
        int offset = 0;
        int phase = 0;
        int block = 0;
        for (int jc = 0; jc < _g.N; jc += _nc)
        {
            int ncb = Math.Min(_nc, _g.N - jc);
            int panels = (ncb + nr - 1) / nr;
            int pieces = Pieces(panels);
            int items = _rowBlocks * pieces;
            for (int pc = 0; pc < _g.K; pc += _kc)
            {
                int kcb = Math.Min(_kc, _g.K - pc);
                nint panelStride = GemmPacking.PanelStride(nr, kcb);
                float* packB = _shared + ((block & 1) * _bufferLength);

                (int first, int end) = GemmPartition.Range(panels, participants, participant);
                if (end > first)
                {
                    int j0 = first * nr;
                    GemmPacking.PackB(_g, pc, kcb, jc + j0, Math.Min(end * nr, ncb) - j0, nr, packB + (first * panelStride));
                }

                if (!Barrier(participants, ref phase))
                {
                    return;
                }

                bool accumulate = _g.Accumulate || pc > 0;
                int packedBlock = -1;
                while (true)
                {
                    if (held < 0)
                    {
                        held = Interlocked.Increment(ref _next) - 1;
                    }

                    if (held >= offset + items)
                    {
                        break;
                    }

                    int local = held - offset;
                    held = -1;
                    int rowBlock = local / pieces;
                    (int r0, int r1) = GemmPartition.Range(_rowPanels, _rowBlocks, rowBlock);
                    int ic = r0 * mr;
                    int mcb = Math.Min(r1 * mr, _g.M) - ic;

                    if (packedBlock != rowBlock)
                    {
                        GemmPacking.PackA(_g, ic, mcb, pc, kcb, mr, packA);
                        packedBlock = rowBlock;
                    }

                    (int p0, int p1) = GemmPartition.Range(panels, pieces, local - (rowBlock * pieces));
                    GemmBlocked<TKernel>.Tiles(_g, packA, packB, ic, mcb, jc, p0 * nr, Math.Min(p1 * nr, ncb), kcb, accumulate, tile);
                }

                offset += items;
                block++;
            }
        }
    }

    // With a single row block, the items are this many ranges of B panels.
    private int Pieces(int panels) => _rowBlocks > 1 ? 1 : Math.Min(panels, _wanted);

    // All participants arrive before any leaves; the last to arrive opens the next phase. False when another
    // participant has failed: the product is abandoned.
    private bool Barrier(int participants, ref int phase)
    {
        if (participants == 1)
        {
            return true;
        }

        int current = phase;
        phase = current + 1;
        if (Interlocked.Increment(ref _arrived) == participants)
        {
            Volatile.Write(ref _arrived, 0);
            Volatile.Write(ref _phase, current + 1);
            return Volatile.Read(ref _failed) == 0;
        }

        var spin = default(SpinWait);
        while (Volatile.Read(ref _phase) == current)
        {
            if (Volatile.Read(ref _failed) != 0)
            {
                return false;
            }

            spin.SpinOnce(sleep1Threshold: -1);
        }

        return Volatile.Read(ref _failed) == 0;
    }
}
