using Alignment.Kernels;
using Alignment.Tests.Kernels.Reference;

namespace Alignment.Tests.Kernels;

public class ParallelSpansTests
{
    // Below and above the parallel threshold, with lengths that are not multiples of the chunk alignment.
    private static readonly int[] Lengths = [0, 1, 7, 33, 129, 32 * 1024, (32 * 1024) + 7, 100_003];

    [Fact]
    public void Binary_EveryOperator_EqualsOneCallOverTheWholeSpanBitForBit()
    {
        Check<BinaryOperators.Add>();
        Check<BinaryOperators.Subtract>();
        Check<BinaryOperators.Multiply>();
        Check<BinaryOperators.Divide>();
        Check<BinaryOperators.Maximum>();
        Check<BinaryOperators.Minimum>();
        Check<BinaryOperators.Power>();
    }

    [Fact]
    public void Binary_Add_MatchesNaiveSums()
    {
        foreach (int length in Lengths)
        {
            Random rng = new(length);
            float[] a = TestData.Uniform(rng, length, -2, 2);
            float[] b = TestData.Uniform(rng, length, -2, 2);
            float[] y = new float[length];
            ParallelSpans.Binary<BinaryOperators.Add>(a, b, y);
            for (int i = 0; i < length; i++)
            {
                Assert.Equal(a[i] + b[i], y[i]);
            }
        }
    }

    [Fact]
    public void Binary_InPlace_AddsIntoTheFirstOperand()
    {
        foreach (int length in Lengths)
        {
            Random rng = new(length + 1);
            float[] a = TestData.Uniform(rng, length, -2, 2);
            float[] b = TestData.Uniform(rng, length, -2, 2);
            float[] expected = new float[length];
            for (int i = 0; i < length; i++)
            {
                expected[i] = a[i] + b[i];
            }

            ParallelSpans.Binary<BinaryOperators.Add>(a, b, a);
            Assert.Equal(expected, a);
        }
    }

    [Fact]
    public void Copy_AnyLength_CopiesEveryElementAndNothingMore()
    {
        foreach (int length in Lengths)
        {
            Random rng = new(length + 2);
            float[] source = TestData.Uniform(rng, length, -2, 2);
            float[] destination = TestData.Uniform(rng, length + 3, -2, 2);
            float[] tail = destination[length..];
            ParallelSpans.Copy(source, destination.AsSpan(0, length));
            Assert.Equal(source, destination[..length]);
            Assert.Equal(tail, destination[length..]);
        }
    }

    [Fact]
    public void BinaryAndCopy_LengthMismatch_Throw()
    {
        Assert.Throws<ArgumentException>(() => ParallelSpans.Binary<BinaryOperators.Add>(new float[3], new float[4], new float[4]));
        Assert.Throws<ArgumentException>(() => ParallelSpans.Binary<BinaryOperators.Add>(new float[4], new float[3], new float[4]));
        Assert.Throws<ArgumentException>(() => ParallelSpans.Copy(new float[3], new float[4]));
    }

    private static void Check<TOp>()
        where TOp : IBinaryOperator
    {
        foreach (int length in Lengths)
        {
            Random rng = new(length + 3);
            float[] a = TestData.Uniform(rng, length, -2, 2);
            float[] b = TestData.Uniform(rng, length, -2, 2);
            for (int i = 0; i < length; i++)
            {
                a[i] = MathF.Abs(a[i]) + 0.5f; // positive bases for Pow
            }

            float[] expected = new float[length];
            TOp.Invoke(a, b, expected);
            float[] actual = new float[length];
            ParallelSpans.Binary<TOp>(a, b, actual);
            for (int i = 0; i < length; i++)
            {
                if (BitConverter.SingleToInt32Bits(actual[i]) != BitConverter.SingleToInt32Bits(expected[i]))
                {
                    Assert.Fail($"{typeof(TOp).Name}, length {length}: element {i} is {actual[i]}, expected {expected[i]}");
                }
            }
        }
    }
}
