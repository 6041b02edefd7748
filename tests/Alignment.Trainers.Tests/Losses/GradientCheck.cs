using Alignment.Trainers.Losses;

namespace Alignment.Trainers.Tests.Losses;

/// <summary>Compares a loss's autograd gradients with central finite differences w.r.t. each reward.</summary>
internal static class GradientCheck
{
    private const float Step = 1e-2f;
    private const double Tolerance = 2e-3;

    public static void AssertMatches(IRewardLoss loss, float[] chosen, float[] rejected, float[]? margins)
    {
        using var scope = TensorScope.Begin();
        var c = Tensor.FromArray(chosen);
        var r = Tensor.FromArray(rejected);
        c.RequiresGrad = true;
        r.RequiresGrad = true;
        loss.Compute(c, r, margins is null ? null : Tensor.FromArray(margins)).Backward();
        var analyticChosen = c.Grad!.ToArray();
        var analyticRejected = r.Grad!.ToArray();
        for (var i = 0; i < chosen.Length; i++)
        {
            Assert.Equal(Numeric(loss, chosen, rejected, margins, i, chosenSide: true), analyticChosen[i], Tolerance);
            Assert.Equal(Numeric(loss, chosen, rejected, margins, i, chosenSide: false), analyticRejected[i], Tolerance);
        }
    }

    private static double Numeric(IRewardLoss loss, float[] chosen, float[] rejected, float[]? margins, int index, bool chosenSide)
    {
        double Evaluate(float delta)
        {
            var c = (float[])chosen.Clone();
            var r = (float[])rejected.Clone();
            (chosenSide ? c : r)[index] += delta;
            using var scope = TensorScope.Begin();
            return loss.Compute(Tensor.FromArray(c), Tensor.FromArray(r), margins is null ? null : Tensor.FromArray(margins)).Item();
        }

        return (Evaluate(Step) - Evaluate(-Step)) / (2 * Step);
    }
}
