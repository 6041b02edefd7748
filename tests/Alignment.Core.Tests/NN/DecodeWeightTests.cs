using Alignment.IO;
using Alignment.NN;

namespace Alignment.Tests.NN;

public class DecodeWeightTests
{
    [Fact]
    public void Linear_EqualsLinearWithTheTransposedWeight_KeepingTheLeadingShape()
    {
        var random = new RandomGenerator(3);
        var weight = Tensor.RandomNormal(random, 0f, 1f, 29, 40); // [in, out]
        var bias = Tensor.RandomNormal(random, 0f, 1f, 40);
        var x = Tensor.RandomNormal(random, 0f, 1f, 2, 5, 29); // 10 rows
        using var noGrad = Tensor.NoGrad();
        using var decode = DecodeWeight.FromInOut(weight);
        var transposed = weight.Transpose(0, 1).Contiguous();

        var y = decode.Linear(x, bias);
        var withoutBias = decode.Linear(x, null);

        Assert.Equal([2, 5, 40], y.Shape.ToArray());
        AssertClose(Tensor.Linear(x, transposed, bias).ToArray(), y.ToArray());
        AssertClose(Tensor.Linear(x, transposed).ToArray(), withoutBias.ToArray());
        Assert.Equal(29, decode.InFeatures);
        Assert.Equal(40, decode.OutFeatures);
    }

    [Fact]
    public void FromOutIn_EqualsLinearWithTheWeight_AndFromInOutOfItsTransposeBitForBit()
    {
        var random = new RandomGenerator(4);
        var weight = Tensor.RandomNormal(random, 0f, 1f, 40, 29); // [out, in]
        var bias = Tensor.RandomNormal(random, 0f, 1f, 40);
        var x = Tensor.RandomNormal(random, 0f, 1f, 3, 29);
        using var noGrad = Tensor.NoGrad();
        using var decode = DecodeWeight.FromOutIn(weight);

        using var inOut = DecodeWeight.FromInOut(weight.Transpose(0, 1).Contiguous());

        AssertClose(Tensor.Linear(x, weight, bias).ToArray(), decode.Linear(x, bias).ToArray());
        Assert.Equal(inOut.Linear(x, bias).ToArray(), decode.Linear(x, bias).ToArray());
        Assert.Equal((29, 40, false), (decode.InFeatures, decode.OutFeatures, decode.IsBFloat16));
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void BFloat16Copies_EqualFloat32CopiesOfTheRoundedWeightBitForBit(bool inOut)
    {
        var random = new RandomGenerator(5);
        var weight = Tensor.RandomNormal(random, 0f, 1f, 35, 61);
        var rounded = Tensor.FromArray(weight.ToArray().Select(v => BFloat16.ToSingle(BFloat16.FromSingle(v))).ToArray(), 35, 61);
        var bias = Tensor.RandomNormal(random, 0f, 1f, inOut ? 61 : 35);
        var x = Tensor.RandomNormal(random, 0f, 1f, 2, 7, inOut ? 35 : 61); // 14 rows
        using var noGrad = Tensor.NoGrad();
        using var bfloat16 = inOut ? DecodeWeight.FromInOut(weight, bfloat16: true) : DecodeWeight.FromOutIn(weight, bfloat16: true);
        using var float32 = inOut ? DecodeWeight.FromInOut(rounded) : DecodeWeight.FromOutIn(rounded);
        using var unrounded = inOut ? DecodeWeight.FromInOut(weight) : DecodeWeight.FromOutIn(weight);

        var y = bfloat16.Linear(x, bias);

        Assert.True(bfloat16.IsBFloat16);
        Assert.Equal(float32.Linear(x, bias).ToArray(), y.ToArray());
        Assert.NotEqual(unrounded.Linear(x, bias).ToArray(), y.ToArray());
    }

    [Fact]
    public void Accepts_AtMostMaxRowsWithTheInputFeatures()
    {
        var weight = Tensor.Zeros(6, 4);
        using var decode = DecodeWeight.FromInOut(weight);

        Assert.True(decode.Accepts(Tensor.Zeros(DecodeWeight.MaxRows, 6)));
        Assert.True(decode.Accepts(Tensor.Zeros(6)));
        Assert.False(decode.Accepts(Tensor.Zeros(DecodeWeight.MaxRows + 1, 6)));
        Assert.False(decode.Accepts(Tensor.Zeros(2, 5)));
        Assert.Throws<ArgumentException>(() => decode.Linear(Tensor.Zeros(DecodeWeight.MaxRows + 1, 6), null));
        Assert.Throws<ArgumentException>(() => decode.Linear(Tensor.Zeros(2, 6), Tensor.Zeros(5)));
    }

    [Fact]
    public void TryLinear_RunsOnlyWithGradientsOffAndAnInputItAccepts()
    {
        var weight = Tensor.Full(1f, 6, 4);
        using var decode = DecodeWeight.FromInOut(weight);
        var x = Tensor.Full(1f, 2, 6);

        Assert.False(decode.TryLinear(x, null, out var recording));
        Assert.Null(recording);
        using var noGrad = Tensor.NoGrad();
        Assert.False(decode.TryLinear(Tensor.Zeros(DecodeWeight.MaxRows + 1, 6), null, out _));
        Assert.True(decode.TryLinear(x, null, out var y));
        Assert.Equal(decode.Linear(x, null).ToArray(), y.ToArray());
    }

    [Fact]
    public void Linear_RefusesToRunWhereItWouldHaveToRecordAGradient_AndAfterDispose()
    {
        var decode = DecodeWeight.FromInOut(Tensor.Zeros(3, 2));
        var x = Tensor.Zeros(1, 3);
        x.RequiresGrad = true;

        var error = Assert.Throws<InvalidOperationException>(() => decode.Linear(x, null));
        Assert.Contains("NoGrad", error.Message);
        decode.Dispose();
        decode.Dispose();
        using var noGrad = Tensor.NoGrad();
        Assert.Throws<ObjectDisposedException>(() => decode.Linear(Tensor.Zeros(1, 3), null));
    }

    [Fact]
    public void FromInOut_TakesTheValuesAtTheTimeOfTheCopy()
    {
        var weight = Tensor.Full(1f, 8, 3);
        using var decode = DecodeWeight.FromInOut(weight);
        weight.Span.Fill(2f);
        using var noGrad = Tensor.NoGrad();

        Assert.Equal([8f, 8f, 8f], decode.Linear(Tensor.Full(1f, 1, 8), null).ToArray());
    }

    // The decode copy sums in another order than Tensor.Linear: equal to float rounding.
    private static void AssertClose(float[] expected, float[] actual)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (var i = 0; i < expected.Length; i++)
        {
            Assert.True(MathF.Abs(expected[i] - actual[i]) <= 1e-5f * (1 + MathF.Abs(expected[i])), $"[{i}]: {actual[i]}, expected {expected[i]}");
        }
    }
}
