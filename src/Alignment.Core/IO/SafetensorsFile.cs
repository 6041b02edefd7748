using System.Buffers.Binary;
using System.Collections.ObjectModel;

namespace Alignment.IO;

/// <summary>
/// A safetensors file opened for reading. <see cref="Open"/> and the <c>Load</c> methods read and validate the
/// whole header (lengths, JSON, every entry, and that the tensors tile the data section exactly) before any
/// tensor data is touched; tensor reads then go only to those validated offsets.
/// Reads are thread-safe. Dispose the instance to release the file.
/// </summary>
public sealed class SafetensorsFile : IDisposable
{
    /// <summary>The largest header accepted, in bytes (the reference implementation's limit).</summary>
    public const long MaxHeaderLength = 100_000_000;

    private const int LengthPrefixBytes = 8;

    private readonly SafetensorsSource _source;
    private readonly Dictionary<string, SafetensorsTensorInfo> _byName;
    private bool _disposed;

    private SafetensorsFile(SafetensorsSource source, SafetensorsHeader header, long dataSectionOffset)
    {
        _source = source;
        DataSectionOffset = dataSectionOffset;
        Tensors = Array.AsReadOnly(header.Tensors);
        Metadata = new ReadOnlyDictionary<string, string>(header.Metadata);
        _byName = new Dictionary<string, SafetensorsTensorInfo>(header.Tensors.Length, StringComparer.Ordinal);
        foreach (SafetensorsTensorInfo info in header.Tensors)
        {
            _byName.Add(info.Name, info);
        }
    }

    /// <summary>The tensors, in the order the header lists them.</summary>
    public IReadOnlyList<SafetensorsTensorInfo> Tensors { get; }

    /// <summary>The header's <c>"__metadata__"</c> strings; empty when the file has none.</summary>
    public IReadOnlyDictionary<string, string> Metadata { get; }

    /// <summary>Offset of the data section from the start of the file: 8 + the header length.</summary>
    public long DataSectionOffset { get; }

    /// <summary>Opens and validates the safetensors file at <paramref name="path"/>.</summary>
    /// <param name="path">The file to open; it is kept open (shared for reading) until <see cref="Dispose"/>.</param>
    /// <returns>The opened file.</returns>
    /// <exception cref="SafetensorsFormatException">The file is not a valid safetensors file.</exception>
    /// <exception cref="IOException">The file cannot be opened or read.</exception>
    public static SafetensorsFile Open(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        return Create(new FileSafetensorsSource(path));
    }

    /// <summary>Validates a safetensors file held in memory. The bytes are not copied: do not change them while the returned instance is in use.</summary>
    /// <param name="bytes">The whole file.</param>
    /// <returns>The loaded file.</returns>
    /// <exception cref="SafetensorsFormatException">The bytes are not a valid safetensors file.</exception>
    public static SafetensorsFile Load(ReadOnlyMemory<byte> bytes) => Create(new MemorySafetensorsSource(bytes));

    /// <summary>
    /// Validates a safetensors file read from <paramref name="stream"/>, starting at its current position.
    /// A seekable stream is read lazily at validated offsets and must stay readable until the instance is disposed;
    /// any other stream is copied into memory first.
    /// </summary>
    /// <param name="stream">The stream holding the file.</param>
    /// <param name="leaveOpen">Whether <paramref name="stream"/> stays open when the instance is disposed (or when loading fails); default <see langword="false"/>.</param>
    /// <returns>The loaded file.</returns>
    /// <exception cref="SafetensorsFormatException">The content is not a valid safetensors file.</exception>
    /// <exception cref="ArgumentException"><paramref name="stream"/> is not readable.</exception>
    public static SafetensorsFile Load(Stream stream, bool leaveOpen = false)
    {
        ArgumentNullException.ThrowIfNull(stream);
        if (!stream.CanRead)
        {
            throw new ArgumentException("The stream must be readable.", nameof(stream));
        }

        if (stream.CanSeek)
        {
            StreamSafetensorsSource source;
            try
            {
                source = new StreamSafetensorsSource(stream, leaveOpen);
            }
            catch
            {
                if (!leaveOpen)
                {
                    stream.Dispose();
                }

                throw;
            }

            return Create(source);
        }

        using var copy = new MemoryStream();
        try
        {
            stream.CopyTo(copy);
        }
        finally
        {
            if (!leaveOpen)
            {
                stream.Dispose();
            }
        }

        return Create(new MemorySafetensorsSource(copy.GetBuffer().AsMemory(0, (int)copy.Length)));
    }

    /// <summary>Whether the file has a tensor named <paramref name="name"/>.</summary>
    /// <param name="name">The tensor name (case-sensitive).</param>
    /// <returns><see langword="true"/> when the tensor exists.</returns>
    public bool Contains(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        return _byName.ContainsKey(name);
    }

    /// <summary>Looks up the tensor named <paramref name="name"/>.</summary>
    /// <param name="name">The tensor name (case-sensitive).</param>
    /// <param name="info">The tensor's entry when found; otherwise <see langword="null"/>.</param>
    /// <returns><see langword="true"/> when the tensor exists.</returns>
    public bool TryGetTensor(string name, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out SafetensorsTensorInfo? info)
    {
        ArgumentNullException.ThrowIfNull(name);
        return _byName.TryGetValue(name, out info);
    }

    /// <summary>Returns the entry of the tensor named <paramref name="name"/>.</summary>
    /// <param name="name">The tensor name (case-sensitive).</param>
    /// <returns>The tensor's entry.</returns>
    /// <exception cref="KeyNotFoundException">There is no such tensor.</exception>
    public SafetensorsTensorInfo GetTensor(string name) =>
        TryGetTensor(name, out SafetensorsTensorInfo? info)
            ? info
            : throw new KeyNotFoundException($"The safetensors file has no tensor named '{name}'.");

    /// <summary>Reads a floating-point tensor (F32, F16 or BF16) as float32; F16 and BF16 convert exactly.</summary>
    /// <param name="name">The tensor name.</param>
    /// <returns>The elements in row-major order.</returns>
    /// <exception cref="KeyNotFoundException">There is no such tensor.</exception>
    /// <exception cref="InvalidOperationException">The tensor is an integer tensor.</exception>
    public float[] ReadSingle(string name)
    {
        SafetensorsTensorInfo info = GetTensor(name);
        RequireFloatingPoint(info, nameof(ReadSingle));
        var result = new float[info.ElementCount];
        ReadSingle(name, result);
        return result;
    }

    /// <summary>Reads a floating-point tensor (F32, F16 or BF16) as float32 into <paramref name="destination"/>.</summary>
    /// <param name="name">The tensor name.</param>
    /// <param name="destination">Receives the elements; its length must equal the tensor's element count.</param>
    /// <exception cref="KeyNotFoundException">There is no such tensor.</exception>
    /// <exception cref="InvalidOperationException">The tensor is an integer tensor.</exception>
    /// <exception cref="ArgumentException"><paramref name="destination"/> has the wrong length.</exception>
    public void ReadSingle(string name, Span<float> destination)
    {
        SafetensorsTensorInfo info = Prepare(name, destination.Length, nameof(destination));
        SafetensorsElementReader.ReadSingle(_source, DataSectionOffset + info.DataBegin, info, destination);
    }

    /// <summary>Reads an integer tensor as Int64: I64 as is, I32 widened.</summary>
    /// <param name="name">The tensor name.</param>
    /// <returns>The elements in row-major order.</returns>
    /// <exception cref="KeyNotFoundException">There is no such tensor.</exception>
    /// <exception cref="InvalidOperationException">The tensor is a floating-point tensor.</exception>
    public long[] ReadInt64(string name)
    {
        SafetensorsTensorInfo info = GetTensor(name);
        RequireInteger(info, nameof(ReadInt64));
        var result = new long[info.ElementCount];
        ReadInt64(name, result);
        return result;
    }

    /// <summary>Reads an integer tensor as Int64 (I64 as is, I32 widened) into <paramref name="destination"/>.</summary>
    /// <param name="name">The tensor name.</param>
    /// <param name="destination">Receives the elements; its length must equal the tensor's element count.</param>
    /// <exception cref="KeyNotFoundException">There is no such tensor.</exception>
    /// <exception cref="InvalidOperationException">The tensor is a floating-point tensor.</exception>
    /// <exception cref="ArgumentException"><paramref name="destination"/> has the wrong length.</exception>
    public void ReadInt64(string name, Span<long> destination)
    {
        SafetensorsTensorInfo info = Prepare(name, destination.Length, nameof(destination));
        SafetensorsElementReader.ReadInt64(_source, DataSectionOffset + info.DataBegin, info, destination);
    }

    /// <summary>Reads an integer tensor as Int32: I32 as is, I64 narrowed after a range check.</summary>
    /// <param name="name">The tensor name.</param>
    /// <returns>The elements in row-major order.</returns>
    /// <exception cref="KeyNotFoundException">There is no such tensor.</exception>
    /// <exception cref="InvalidOperationException">The tensor is a floating-point tensor.</exception>
    /// <exception cref="OverflowException">An I64 element does not fit in an Int32.</exception>
    public int[] ReadInt32(string name)
    {
        SafetensorsTensorInfo info = GetTensor(name);
        RequireInteger(info, nameof(ReadInt32));
        var result = new int[info.ElementCount];
        ReadInt32(name, result);
        return result;
    }

    /// <summary>Reads an integer tensor as Int32 (I32 as is, I64 narrowed after a range check) into <paramref name="destination"/>.</summary>
    /// <param name="name">The tensor name.</param>
    /// <param name="destination">Receives the elements; its length must equal the tensor's element count.</param>
    /// <exception cref="KeyNotFoundException">There is no such tensor.</exception>
    /// <exception cref="InvalidOperationException">The tensor is a floating-point tensor.</exception>
    /// <exception cref="ArgumentException"><paramref name="destination"/> has the wrong length.</exception>
    /// <exception cref="OverflowException">An I64 element does not fit in an Int32.</exception>
    public void ReadInt32(string name, Span<int> destination)
    {
        SafetensorsTensorInfo info = Prepare(name, destination.Length, nameof(destination));
        SafetensorsElementReader.ReadInt32(_source, DataSectionOffset + info.DataBegin, info, destination);
    }

    /// <summary>Reads a tensor's raw bytes exactly as stored (little-endian, any dtype).</summary>
    /// <param name="name">The tensor name.</param>
    /// <returns>A new array of <see cref="SafetensorsTensorInfo.ByteLength"/> bytes.</returns>
    /// <exception cref="KeyNotFoundException">There is no such tensor.</exception>
    /// <exception cref="NotSupportedException">The tensor is larger than the largest byte array.</exception>
    public byte[] ReadBytes(string name)
    {
        SafetensorsTensorInfo info = GetTensor(name);
        if (info.ByteLength > Array.MaxLength)
        {
            throw new NotSupportedException($"Tensor '{name}' has {info.ByteLength} bytes, more than one byte array can hold.");
        }

        ObjectDisposedException.ThrowIf(_disposed, this);
        var result = new byte[info.ByteLength];
        _source.ReadExactly(DataSectionOffset + info.DataBegin, result);
        return result;
    }

    /// <summary>Releases the underlying file or stream. Reads after disposal throw <see cref="ObjectDisposedException"/>.</summary>
    public void Dispose()
    {
        if (!_disposed)
        {
            _disposed = true;
            _source.Dispose();
        }
    }

    /// <summary>Reads the length prefix and the header, validates both, and wraps <paramref name="source"/>;
    /// disposes the source when validation fails.</summary>
    private static SafetensorsFile Create(SafetensorsSource source)
    {
        try
        {
            long length = source.Length;
            if (length < LengthPrefixBytes)
            {
                throw new SafetensorsFormatException(
                    $"The safetensors file is {length} bytes, shorter than the 8-byte header length that must start it.");
            }

            Span<byte> prefix = stackalloc byte[LengthPrefixBytes];
            source.ReadExactly(0, prefix);
            ulong headerLength = BinaryPrimitives.ReadUInt64LittleEndian(prefix);
            ulong available = (ulong)(length - LengthPrefixBytes);
            if (headerLength == 0)
            {
                throw new SafetensorsFormatException("The safetensors header length is 0; the header must be a JSON object.");
            }

            if (headerLength > available)
            {
                throw new SafetensorsFormatException(
                    $"The safetensors header length {headerLength} is larger than the {available} bytes that follow the length prefix.");
            }

            if (headerLength > MaxHeaderLength)
            {
                throw new SafetensorsFormatException(
                    $"The safetensors header length {headerLength} exceeds the limit of {MaxHeaderLength} bytes.");
            }

            var header = new byte[headerLength];
            source.ReadExactly(LengthPrefixBytes, header);
            long dataOffset = LengthPrefixBytes + (long)headerLength;
            SafetensorsHeader parsed = SafetensorsHeaderParser.Parse(header, length - dataOffset);
            return new SafetensorsFile(source, parsed, dataOffset);
        }
        catch
        {
            source.Dispose();
            throw;
        }
    }

    private SafetensorsTensorInfo Prepare(string name, int destinationLength, string paramName)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        SafetensorsTensorInfo info = GetTensor(name);
        if (destinationLength != info.ElementCount)
        {
            throw new ArgumentException(
                $"The destination holds {destinationLength} elements but tensor '{name}' has {info.ElementCount}.", paramName);
        }

        return info;
    }

    private static void RequireFloatingPoint(SafetensorsTensorInfo info, string method)
    {
        if (!info.DType.IsFloatingPoint())
        {
            throw new InvalidOperationException(
                $"Tensor '{info.Name}' is {info.DType.GetHeaderName()}; {method} reads only F32, F16 or BF16 tensors (use ReadInt64 or ReadInt32).");
        }
    }

    private static void RequireInteger(SafetensorsTensorInfo info, string method)
    {
        if (info.DType.IsFloatingPoint())
        {
            throw new InvalidOperationException(
                $"Tensor '{info.Name}' is {info.DType.GetHeaderName()}; {method} reads only I64 or I32 tensors (use ReadSingle).");
        }
    }
}
