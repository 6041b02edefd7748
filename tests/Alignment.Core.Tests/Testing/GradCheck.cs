namespace Alignment.Tests.Testing;

/// <summary>
/// Finite-difference gradient checks: compares the autograd gradient of sum(f(inputs) · w), for a fixed
/// random weighting w, with central differences, element by element.
/// </summary>
internal static class GradCheck
{
    public static void Check(Func<Tensor[], Tensor> f, Tensor[] inputs, float eps = 1e-2f, double atol = 2e-2, double rtol = 2e-2, ulong seed = 7)
    {
        foreach (var x in inputs)
        {
            x.RequiresGrad = true;
            x.Grad = null;
        }

        var output = f(inputs);
        var rng = new RandomGenerator(seed);
        var weights = Tensor.RandomNormal(rng, 0f, 1f, output.Shape.ToArray());
        var loss = (output * weights).Sum();
        loss.Backward();
        var w = weights.ToArray();

        double Objective()
        {
            using var _ = Tensor.NoGrad();
            var values = f(inputs).ToArray();
            double total = 0;
            for (var i = 0; i < values.Length; i++)
            {
                total += (double)values[i] * w[i];
            }

            return total;
        }

        for (var k = 0; k < inputs.Length; k++)
        {
            var x = inputs[k];
            var analytic = x.Grad?.ToArray() ?? new float[x.ElementCount];
            var values = x.ToArray();
            for (var i = 0; i < values.Length; i++)
            {
                var original = values[i];
                values[i] = original + eps;
                x.CopyFrom(values);
                var plus = Objective();
                values[i] = original - eps;
                x.CopyFrom(values);
                var minus = Objective();
                values[i] = original;
                x.CopyFrom(values);
                var numeric = (plus - minus) / (2 * eps);
                var diff = Math.Abs(numeric - analytic[i]);
                Assert.True(diff <= atol + (rtol * Math.Abs(numeric)),
                    $"Input {k}, element {i}: analytic {analytic[i]:G6} vs numeric {numeric:G6} (diff {diff:G3}).");
            }
        }
    }

    public static Tensor Random(ulong seed, params int[] shape) => Tensor.RandomNormal(new RandomGenerator(seed), 0f, 1f, shape);

    /// <summary>Values bounded away from zero (for log, sqrt, division).</summary>
    public static Tensor Positive(ulong seed, params int[] shape) => Tensor.RandomUniform(new RandomGenerator(seed), 0.5f, 2f, shape);
}
