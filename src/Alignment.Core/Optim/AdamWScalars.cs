namespace Alignment.Optim;

/// <summary>The per-step scalars of the AdamW kernel, computed in double and rounded once to float.</summary>
internal readonly struct AdamWScalars
{
    public AdamWScalars(double learningRate, double weightDecay, double beta1, double beta2, double epsilon, long step)
    {
        Decay = (float)(1 - (learningRate * weightDecay));
        Beta1 = (float)beta1;
        OneMinusBeta1 = (float)(1 - beta1);
        Beta2 = (float)beta2;
        OneMinusBeta2 = (float)(1 - beta2);
        StepSize = (float)(learningRate / (1 - Math.Pow(beta1, step)));
        BiasCorrection2Sqrt = (float)Math.Sqrt(1 - Math.Pow(beta2, step));
        Epsilon = (float)epsilon;
    }

    /// <summary>1 − lr·wd: the decoupled weight decay factor.</summary>
    public float Decay { get; }

    public float Beta1 { get; }

    public float OneMinusBeta1 { get; }

    public float Beta2 { get; }

    public float OneMinusBeta2 { get; }

    /// <summary>lr / (1 − β₁ᵗ).</summary>
    public float StepSize { get; }

    /// <summary>√(1 − β₂ᵗ).</summary>
    public float BiasCorrection2Sqrt { get; }

    public float Epsilon { get; }
}
