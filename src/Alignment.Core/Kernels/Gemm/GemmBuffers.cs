using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Alignment.Kernels;

/// <summary>
/// Per-thread packing buffers: pinned, 64-byte aligned, grown on demand and then reused, so a steady
/// stream of GEMM calls allocates nothing. Each thread owns its buffers and is the only one to touch them
/// (on several threads each computes its own part of C with its own packing).
/// </summary>
internal static unsafe class GemmBuffers
{
    // 16 floats to align to 64 bytes plus 16 floats of slack for the packing stores that run past a panel.
    private const int Slack = 32;

    [ThreadStatic]
    private static float[]? t_a;

    [ThreadStatic]
    private static nint t_aPtr;

    [ThreadStatic]
    private static float[]? t_b;

    [ThreadStatic]
    private static nint t_bPtr;

    /// <summary>The calling thread's buffer for packed A, at least <paramref name="length"/> floats.</summary>
    public static float* A(long length) => Get(ref t_a, ref t_aPtr, length);

    /// <summary>The calling thread's buffer for packed B, at least <paramref name="length"/> floats.</summary>
    public static float* B(long length) => Get(ref t_b, ref t_bPtr, length);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static float* Get(ref float[]? array, ref nint aligned, long length)
    {
        if (array is null || array.Length - Slack < length)
        {
            Grow(ref array, ref aligned, length);
        }

        return (float*)aligned;
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void Grow(ref float[]? array, ref nint aligned, long length)
    {
        // Grow geometrically so a slowly rising size does not reallocate on every call.
        long size = Math.Max(length, array is null ? 0 : (long)array.Length * 3 / 2) + Slack;
        float[] fresh = GC.AllocateUninitializedArray<float>(checked((int)size), pinned: true);
        nint start = (nint)Unsafe.AsPointer(ref MemoryMarshal.GetArrayDataReference(fresh));
        aligned = (start + 63) & ~(nint)63;
        array = fresh;
    }
}
