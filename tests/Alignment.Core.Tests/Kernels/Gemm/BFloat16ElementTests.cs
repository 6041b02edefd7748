using System.Runtime.Intrinsics;
using Alignment.IO;
using Alignment.Kernels;

namespace Alignment.Tests.Kernels;

public class BFloat16ElementTests
{
    [Theory]
    [InlineData(0x3F800000u, 0x3F80)] // 1
    [InlineData(0x3F808000u, 0x3F80)] // halfway between 0x3F80 and 0x3F81: to the even one, down
    [InlineData(0x3F818000u, 0x3F82)] // halfway between 0x3F81 and 0x3F82: to the even one, up
    [InlineData(0x3F808001u, 0x3F81)] // just above halfway: up
    [InlineData(0x3F807FFFu, 0x3F80)] // just below halfway: down
    [InlineData(0x80000000u, 0x8000)] // −0
    [InlineData(0x00000001u, 0x0000)] // the smallest subnormal rounds to +0
    [InlineData(0x007FFFFFu, 0x0080)] // the largest subnormal rounds up to the smallest normal
    [InlineData(0x7F7FFFFFu, 0x7F80)] // the largest float rounds past the largest bfloat16: infinity
    [InlineData(0xFF800000u, 0xFF80)] // −∞
    [InlineData(0x7FC00000u, 0x7FC0)] // quiet NaN
    [InlineData(0x7F800001u, 0x7FC0)] // signalling NaN whose payload sits in the dropped half: still a NaN
    [InlineData(0xFF810000u, 0xFFC1)] // negative NaN with payload: sign and kept payload stay
    public unsafe void Store_RoundsToNearestEven(uint bits, int expected)
    {
        var values = Vector256.Create(BitConverter.UInt32BitsToSingle(bits));
        ushort* stored = stackalloc ushort[8];

        BFloat16Element.Store(values, stored);

        for (int i = 0; i < 8; i++)
        {
            Assert.Equal(expected, stored[i]);
        }

        Assert.Equal(expected, BFloat16.FromSingle(BitConverter.UInt32BitsToSingle(bits)));
    }

    [Fact]
    public unsafe void Store_EqualsTheScalarConversion_OnRandomBitPatterns()
    {
        var rng = new Random(11);
        uint* bits = stackalloc uint[8];
        ushort* stored = stackalloc ushort[8];
        for (int round = 0; round < 20_000; round++)
        {
            for (int i = 0; i < 8; i++)
            {
                bits[i] = (uint)rng.NextInt64(0, 1L << 32);
            }

            BFloat16Element.Store(Vector256.Load((float*)bits), stored);

            for (int i = 0; i < 8; i++)
            {
                Assert.Equal(BFloat16.FromSingle(BitConverter.UInt32BitsToSingle(bits[i])), stored[i]);
            }
        }
    }

    [Fact]
    public unsafe void Load_WidensEveryBitPatternExactly()
    {
        ushort* values = stackalloc ushort[8];
        for (int start = 0; start < 65536; start += 8)
        {
            for (int i = 0; i < 8; i++)
            {
                values[i] = (ushort)(start + i);
            }

            Vector256<uint> widened = BFloat16Element.Load(values).AsUInt32();

            for (int i = 0; i < 8; i++)
            {
                Assert.Equal((uint)(start + i) << 16, widened[i]);
            }
        }
    }
}
