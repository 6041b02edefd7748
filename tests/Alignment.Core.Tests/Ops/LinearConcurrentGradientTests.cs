using Alignment.Tests.Kernels.Reference;
using Alignment.Tests.Testing;

namespace Alignment.Tests.Ops;

/// <summary>
/// The linear layers' backward pass at sizes where, on a team of two threads, the input and weight gradients are
/// computed at the same time, one product per thread: the same values as the double-precision reference, whether
/// the gradients are new or added to, whether one or both are wanted, and when one tensor is both input and weight.
/// </summary>
public sealed class LinearConcurrentGradientTests
{
    // rows · in · out = 1,376,256 multiply-adds: above Gemm.ParallelWork (2^20).
    private const int Rows = 112;
    private const int In = 96;
    private const int Out = 128;

    // Float32 sums of up to 256 products of values near 1 round to within about 1e-5 of the exact sum; with
    // cancellation that is an absolute, not a relative, error.
    private const double Atol = 1e-4;

    public static TheoryData<bool, bool, bool> Cases
    {
        get
        {
            var data = new TheoryData<bool, bool, bool>();
            foreach (bool inOut in new[] { false, true })
            {
                data.Add(inOut, true, true);
                data.Add(inOut, true, false);
                data.Add(inOut, false, true);
            }

            return data;
        }
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Gradients_MatchDoublePrecisionReference_NewAndAccumulated(bool weightIsInOut, bool inputGrad, bool weightGrad)
    {
        var x = GradCheck.Random(1, 2, Rows / 2, In);
        var w = weightIsInOut ? GradCheck.Random(2, In, Out) : GradCheck.Random(2, Out, In);
        var b = GradCheck.Random(3, Out);
        x.RequiresGrad = inputGrad;
        w.RequiresGrad = weightGrad;
        b.RequiresGrad = true;
        float[] g1 = TestData.Normal(new Random(4), Rows * Out);
        float[] g2 = TestData.Normal(new Random(5), Rows * Out);

        Backward(x, w, b, weightIsInOut, g1);
        AssertGradients(x, w, weightIsInOut, [g1]);
        Backward(x, w, b, weightIsInOut, g2);
        AssertGradients(x, w, weightIsInOut, [g1, g2]);
    }

    [Fact]
    public void OneTensorAsInputAndWeight_GetsBothGradients()
    {
        // y = a · aᵀ, so d(sum(y ⊙ g))/da = (g + gᵀ) · a.
        const int n = 128, k = 80;
        var a = GradCheck.Random(6, n, k);
        a.RequiresGrad = true;
        float[] g = TestData.Normal(new Random(7), n * n);

        (Tensor.Linear(a, a) * Tensor.FromArray(g, n, n)).Sum().Backward();

        float[] av = a.ToArray();
        var expected = new double[n * k];
        for (int i = 0; i < n; i++)
        {
            for (int j = 0; j < n; j++)
            {
                double gs = (double)g[(i * n) + j] + g[(j * n) + i];
                for (int p = 0; p < k; p++)
                {
                    expected[(i * k) + p] += gs * av[(j * k) + p];
                }
            }
        }

        KernelAssert.Close(expected, TestData.ToDouble(a.Grad!.ToArray()), Atol, 1e-5, "da");
    }

    private static void Backward(Tensor x, Tensor w, Tensor b, bool weightIsInOut, float[] g)
    {
        var y = weightIsInOut ? Tensor.LinearInOut(x, w, b) : Tensor.Linear(x, w, b);
        (y * Tensor.FromArray(g, 2, Rows / 2, Out)).Sum().Backward();
    }

    private static void AssertGradients(Tensor x, Tensor w, bool weightIsInOut, float[][] gradients)
    {
        var (dx, dw, _) = NaiveLinear.Gradients(x.ToArray(), w.ToArray(), gradients, Rows, In, Out, weightIsInOut);
        if (x.RequiresGrad)
        {
            KernelAssert.Close(dx, TestData.ToDouble(x.Grad!.ToArray()), Atol, 1e-5, "dx");
        }
        else
        {
            Assert.Null(x.Grad);
        }

        if (w.RequiresGrad)
        {
            KernelAssert.Close(dw, TestData.ToDouble(w.Grad!.ToArray()), Atol, 1e-5, "dW");
        }
        else
        {
            Assert.Null(w.Grad);
        }
    }
}
