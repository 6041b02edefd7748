using System.Runtime.CompilerServices;

namespace Alignment.Kernels;

/// <summary>
/// Portable fallback for machines without 256-bit FMA vectors: plain loops ordered so the innermost
/// one walks contiguous memory (i-p-j with a row of B for op(B) = B, dot products for op(B) = Bᵀ).
/// </summary>
internal static unsafe class GemmScalar
{
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Run(in GemmArgs g)
    {
        for (int i = 0; i < g.M; i++)
        {
            float* c = g.C + (i * g.Ldc);
            if (g.TransB)
            {
                for (int j = 0; j < g.N; j++)
                {
                    float* b = g.B + (j * g.Ldb);
                    float sum = 0f;
                    for (int p = 0; p < g.K; p++)
                    {
                        sum += ElementA(g, i, p) * b[p];
                    }

                    c[j] = g.Accumulate ? c[j] + sum : sum;
                }

                continue;
            }

            if (!g.Accumulate)
            {
                new Span<float>(c, g.N).Clear();
            }

            for (int p = 0; p < g.K; p++)
            {
                float av = ElementA(g, i, p);
                float* b = g.B + (p * g.Ldb);
                for (int j = 0; j < g.N; j++)
                {
                    c[j] += av * b[j];
                }
            }
        }
    }

    private static float ElementA(in GemmArgs g, int i, int p) =>
        g.TransA ? g.A[(p * g.Lda) + i] : g.A[(i * g.Lda) + p];
}
