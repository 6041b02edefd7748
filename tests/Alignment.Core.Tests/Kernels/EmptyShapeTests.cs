using Alignment.Kernels;

namespace Alignment.Tests.Kernels;

public sealed class EmptyShapeTests
{
    [Fact]
    public void RowKernels_ZeroRows_DoNothing()
    {
        SoftmaxKernels.SoftmaxForward([], [], 0, 5);
        SoftmaxKernels.SoftmaxBackward([], [], [], 0, 5);
        SoftmaxKernels.LogSoftmaxForward([], [], 0, 5);
        SoftmaxKernels.LogSumExpBackward([], [], [], [], 0, 5);
        Assert.Equal(0, CrossEntropyKernels.Forward([], [], [], [], 0, 5, -100));
        SelectiveLogSoftmaxKernels.Entropy([], [], 0, 5);
        LayerNormKernels.Backward([], [], new float[5], [], [], [], new float[5], new float[5], 0, 5);
        GeluKernels.Forward([], []);
        EmbeddingKernels.Backward([], [], new float[6], 3, 2);
    }

    [Fact]
    public void LogSumExpForward_ZeroColumns_GivesNegativeInfinity()
    {
        var lse = new float[3];

        SoftmaxKernels.LogSumExpForward([], lse, 3, 0);

        Assert.All(lse, v => Assert.Equal(float.NegativeInfinity, v));
    }

    [Fact]
    public void Attention_NoKeys_GivesZeroOutputAndNoGradients()
    {
        float[] q = [1f, 2f, 3f, 4f];
        float[] output = [9f, 9f, 9f, 9f];
        float[] dq = [1f, 1f, 1f, 1f];

        AttentionKernels.Forward(q, [], [], [], output, [], 1, 1, 2, 0, 2, 0.7f, true, 0);
        AttentionKernels.Backward(q, q, [], [], [], dq, [], [], 1, 1, 2, 0, 2, 0.7f);

        Assert.All(output, v => Assert.Equal(0f, v));
        Assert.All(dq, v => Assert.Equal(1f, v));
    }
}
