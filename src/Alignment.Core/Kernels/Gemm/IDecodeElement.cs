using System.Runtime.Intrinsics;

namespace Alignment.Kernels;

/// <summary>
/// How the weight values of a <see cref="GemmColumnPanels"/> layout are stored: read eight at a time as float32 by
/// <see cref="GemmSmallMPanels"/>, and written from float32 by the packing. Implemented by <see cref="Float32Element"/>
/// and <see cref="BFloat16Element"/>; the kernels are instantiated once per element type.
/// </summary>
/// <typeparam name="T">The stored type.</typeparam>
internal unsafe interface IDecodeElement<T>
    where T : unmanaged
{
    /// <summary>Eight values from <paramref name="source"/>, as float32.</summary>
    static abstract Vector256<float> Load(T* source);

    /// <summary>Stores eight float32 values, converted, at <paramref name="destination"/>.</summary>
    static abstract void Store(Vector256<float> values, T* destination);

    /// <summary>One float32 value, converted.</summary>
    static abstract T FromSingle(float value);
}
