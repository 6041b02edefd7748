namespace Alignment.Kernels;

/// <summary>
/// A register-blocked micro-kernel for the packed GEMM driver, with the cache blocking it is tuned for.
/// Implemented by empty structs so <see cref="GemmBlocked{TKernel}"/> is specialised per kernel by the JIT.
/// </summary>
internal unsafe interface IGemmMicroKernel
{
    /// <summary>Rows of C per micro-tile (rows of a packed A panel).</summary>
    static abstract int MR { get; }

    /// <summary>Columns of C per micro-tile (columns of a packed B panel).</summary>
    static abstract int NR { get; }

    /// <summary>Depth of one packed block (the k extent shared by the A and B panels).</summary>
    static abstract int KC { get; }

    /// <summary>Rows of A packed at once (kept in L2).</summary>
    static abstract int MC { get; }

    /// <summary>Columns of B packed at once (kept in L3).</summary>
    static abstract int NC { get; }

    /// <summary>
    /// C[MR,NR] (+)= Apanel · Bpanel, where <paramref name="a"/> holds <paramref name="kc"/> groups of MR values
    /// and <paramref name="b"/> <paramref name="kc"/> groups of NR values.
    /// </summary>
    static abstract void Run(nint kc, float* a, float* b, float* c, nint ldc, bool accumulate);
}
