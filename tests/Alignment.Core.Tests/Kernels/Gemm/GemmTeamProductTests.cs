using Alignment.Kernels;

namespace Alignment.Tests.Kernels;

public class GemmTeamProductTests
{
    [Fact]
    public async Task Run_AParticipantThrows_TheOthersStopWaitingAndTheExceptionComesOut()
    {
        // The first micro-kernel call of each product throws, on whichever participant makes it. The others must not
        // wait for it at the next barrier for ever: the product ends and the exception reaches the caller.
        for (int attempt = 0; attempt < 20; attempt++)
        {
            ThrowingKernel.Armed = 1;
            var product = Task.Run(RunProduct);
            bool ended = await Task.WhenAny(product, Task.Delay(TimeSpan.FromSeconds(30))) == product;
            Assert.True(ended, "a participant kept waiting for the one that threw");
            var error = await Assert.ThrowsAsync<InvalidOperationException>(() => product);
            Assert.Equal(ThrowingKernel.Message, error.Message);
        }
    }

    private static unsafe void RunProduct()
    {
        const int m = 96, n = 128, k = 64;
        float[] a = new float[m * k], b = new float[k * n], c = new float[m * n];
        fixed (float* pa = a, pb = b, pc = c)
        {
            var args = new GemmArgs(false, false, m, n, k, pa, k, pb, n, pc, n, accumulate: false);
            GemmTeamProduct<ThrowingKernel>.Run(args, threads: 2);
        }
    }

    // Small blocks (many barriers per product); the first call after arming throws, the others do nothing.
    private readonly unsafe struct ThrowingKernel : IGemmMicroKernel
    {
        public const string Message = "injected micro-kernel failure";

        public static int Armed;

        public static int MR => 6;

        public static int NR => 16;

        public static int KC => 8;

        public static int MC => 12;

        public static int NC => 32;

        public static void Run(nint kc, float* a, float* b, float* c, nint ldc, bool accumulate)
        {
            if (Interlocked.Exchange(ref Armed, 0) == 1)
            {
                throw new InvalidOperationException(Message);
            }
        }
    }
}
