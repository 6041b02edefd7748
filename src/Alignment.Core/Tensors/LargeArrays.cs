using System.Runtime.InteropServices;

namespace Alignment;

/// <summary>
/// New arrays for the tensor pool. On Linux, an array of at least <see cref="HugePageThreshold"/> floats is allocated
/// pinned and uninitialised, and the whole 2 MiB pages inside it are advised <c>MADV_HUGEPAGE</c> before anything
/// touches them, so that the kernel backs them with transparent huge pages where its setting allows ("always" or
/// "madvise" in <c>/sys/kernel/mm/transparent_hugepage/enabled</c>). Streaming a model's weights then takes one TLB
/// entry per 2 MiB instead of one per 4 KiB: gpt2-124M sampling, which reads every weight at every step, ran 2–3 %
/// faster (BENCHMARKS.md). Elsewhere, for smaller arrays, and with the <see cref="AppContext"/> switch
/// <see cref="DisableSwitch"/> set, arrays are plain <c>new float[n]</c>. Either way the array comes back zeroed.
/// </summary>
internal static unsafe partial class LargeArrays
{
    /// <summary>The shortest array (in floats, 4 MiB) given huge pages: it always holds at least one whole 2 MiB page.</summary>
    public const int HugePageThreshold = 1 << 20;

    /// <summary>The <see cref="AppContext"/> switch that turns huge pages off (the default value is off: huge pages are used).</summary>
    public const string DisableSwitch = "Alignment.DisableHugePages";

    private const long HugePage = 2L << 20;

    // Linux's MADV_HUGEPAGE.
    private const int AdviseHugePage = 14;

    private static readonly bool Enabled = OperatingSystem.IsLinux() && !(AppContext.TryGetSwitch(DisableSwitch, out var disabled) && disabled);

    /// <summary>A zeroed array of <paramref name="length"/> floats, on huge pages where they apply.</summary>
    public static float[] Allocate(int length)
    {
        if (!Enabled || length < HugePageThreshold)
        {
            return new float[length];
        }

        // Pinned, so the advised addresses stay the array's; uninitialised, so fresh memory is first touched below,
        // after the advice.
        var array = GC.AllocateUninitializedArray<float>(length, pinned: true);
        _ = TryAdviseHugePages(array);
        Array.Clear(array);
        return array;
    }

    /// <summary>
    /// Advises <c>MADV_HUGEPAGE</c> for the whole 2 MiB pages inside a pinned array. Returns whether the kernel took the
    /// advice: false off Linux, for an array that holds no whole page, or when the kernel lacks transparent huge pages.
    /// </summary>
    internal static bool TryAdviseHugePages(float[] array)
    {
        if (!OperatingSystem.IsLinux())
        {
            return false;
        }

        fixed (float* pointer = array)
        {
            long first = ((long)pointer + HugePage - 1) & ~(HugePage - 1);
            long end = ((long)pointer + ((long)array.Length * sizeof(float))) & ~(HugePage - 1);
            if (end <= first)
            {
                return false;
            }

            try
            {
                return Madvise((nint)first, (nuint)(end - first), AdviseHugePage) == 0;
            }
            catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
            {
                return false;
            }
        }
    }

    [LibraryImport("libc", EntryPoint = "madvise")]
    private static partial int Madvise(nint address, nuint length, int advice);
}
