namespace Alignment.Kernels;

/// <summary>
/// One validated GEMM problem on pinned memory: C[m,n] (+)= op(A)[m,k] · op(B)[k,n], row-major,
/// with the same conventions as <see cref="Gemm"/>.
/// </summary>
internal readonly unsafe struct GemmArgs
{
    public GemmArgs(bool transA, bool transB, int m, int n, int k,
        float* a, nint lda, float* b, nint ldb, float* c, nint ldc, bool accumulate)
    {
        TransA = transA;
        TransB = transB;
        M = m;
        N = n;
        K = k;
        A = a;
        Lda = lda;
        B = b;
        Ldb = ldb;
        C = c;
        Ldc = ldc;
        Accumulate = accumulate;
    }

    public bool TransA { get; }

    public bool TransB { get; }

    public int M { get; }

    public int N { get; }

    public int K { get; }

    public float* A { get; }

    public nint Lda { get; }

    public float* B { get; }

    public nint Ldb { get; }

    public float* C { get; }

    public nint Ldc { get; }

    public bool Accumulate { get; }

    /// <summary>The same problem with A replaced by a row-major [m,k] copy of op(A).</summary>
    public GemmArgs WithA(float* a, nint lda) => new(false, TransB, M, N, K, a, lda, B, Ldb, C, Ldc, Accumulate);
}
