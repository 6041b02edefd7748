using Alignment.Tests.Kernels.Reference;
using Alignment.Tests.Testing;

namespace Alignment.Tests.Ops;

/// <summary>
/// The linear layers' backward pass with output gradients that are zero on some rows (a reward read at one token, a
/// masked loss): from 16 rows on, only the live rows are multiplied when at most three quarters are live.
/// </summary>
public sealed class LinearRowSparseGradientTests
{
    private const int Rows = 32;
    private const int In = 20;
    private const int Out = 11;

    // Live row counts: none, a few (compacted), exactly three quarters (compacted), one more (dense), all (dense).
    public static TheoryData<bool, int> Cases
    {
        get
        {
            var data = new TheoryData<bool, int>();
            foreach (bool inOut in new[] { false, true })
            {
                foreach (int live in new[] { 0, 5, 24, 25, 32 })
                {
                    data.Add(inOut, live);
                }
            }

            return data;
        }
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Gradients_MatchDoublePrecisionReference(bool weightIsInOut, int liveRows)
    {
        var (x, w, b) = Inputs(weightIsInOut, seed: 1);
        float[] g = OutputGradient(liveRows, seed: 2);

        Backward(x, w, b, weightIsInOut, g);

        AssertGradients(x, w, b, weightIsInOut, [g]);
        float[] dx = x.Grad!.ToArray();
        for (int r = 0; r < Rows; r++)
        {
            if (!IsLive(r, liveRows))
            {
                Assert.All(dx[(r * In)..((r + 1) * In)], v => Assert.Equal(0f, v));
            }
        }
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void CompactedGradients_AddToExistingOnes(bool weightIsInOut)
    {
        var (x, w, b) = Inputs(weightIsInOut, seed: 3);
        float[] dense = OutputGradient(Rows, seed: 4);
        float[] sparse = OutputGradient(6, seed: 5);

        Backward(x, w, b, weightIsInOut, dense);
        Backward(x, w, b, weightIsInOut, sparse);

        AssertGradients(x, w, b, weightIsInOut, [dense, sparse]);
    }

    [Fact]
    public void CompactedGradients_MatchFiniteDifferences()
    {
        // 20 rows, 5 of them live after the mask.
        var mask = new float[20 * 3];
        foreach (int r in new[] { 1, 6, 7, 13, 19 })
        {
            Array.Fill(mask, 1f, r * 3, 3);
        }

        var m = Tensor.FromArray(mask, 20, 3);
        GradCheck.Check(t => Tensor.Linear(t[0], t[1], t[2]) * m, [GradCheck.Random(21, 20, 4), GradCheck.Random(22, 3, 4), GradCheck.Random(23, 3)]);
        GradCheck.Check(t => Tensor.LinearInOut(t[0], t[1], t[2]) * m, [GradCheck.Random(24, 20, 4), GradCheck.Random(25, 4, 3), GradCheck.Random(26, 3)]);
    }

    private static (Tensor X, Tensor W, Tensor B) Inputs(bool weightIsInOut, ulong seed)
    {
        var x = GradCheck.Random(seed, 2, Rows / 2, In);
        var w = weightIsInOut ? GradCheck.Random(seed + 10, In, Out) : GradCheck.Random(seed + 10, Out, In);
        var b = GradCheck.Random(seed + 20, Out);
        x.RequiresGrad = w.RequiresGrad = b.RequiresGrad = true;
        return (x, w, b);
    }

    // `live` of the rows, spread over both batch rows with gaps, are live.
    private static bool IsLive(int row, int live) => (row * 7) % Rows < live;

    // Random values on the live rows, zeros elsewhere; one zero inside each live row.
    private static float[] OutputGradient(int live, int seed)
    {
        float[] g = TestData.Normal(new Random(seed), Rows * Out);
        for (int r = 0; r < Rows; r++)
        {
            if (IsLive(r, live))
            {
                g[(r * Out) + (r % Out)] = 0f;
            }
            else
            {
                Array.Clear(g, r * Out, Out);
            }
        }

        return g;
    }

    private static void Backward(Tensor x, Tensor w, Tensor b, bool weightIsInOut, float[] g)
    {
        var y = weightIsInOut ? Tensor.LinearInOut(x, w, b) : Tensor.Linear(x, w, b);
        (y * Tensor.FromArray(g, 2, Rows / 2, Out)).Sum().Backward();
    }

    private static void AssertGradients(Tensor x, Tensor w, Tensor b, bool weightIsInOut, float[][] gradients)
    {
        var (dx, dw, db) = NaiveLinear.Gradients(x.ToArray(), w.ToArray(), gradients, Rows, In, Out, weightIsInOut);
        KernelAssert.Close(dx, x.Grad!.ToArray(), 1e-5, "dx");
        KernelAssert.Close(dw, w.Grad!.ToArray(), 1e-5, "dW");
        KernelAssert.Close(db, b.Grad!.ToArray(), 1e-5, "db");
    }
}
