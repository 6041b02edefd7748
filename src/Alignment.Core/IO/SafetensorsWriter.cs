using System.Buffers.Binary;

namespace Alignment.IO;

/// <summary>
/// Writes safetensors files. Tensors are laid out by element size (largest first, so every tensor is aligned to
/// its element size) and then by name (ordinal), whatever order they are given in; the header lists
/// <c>"__metadata__"</c> first (when there is any), then the tensors in data order, and is padded with spaces
/// to a multiple of 8 bytes. The same tensors and metadata therefore always produce the same bytes.
/// </summary>
public static class SafetensorsWriter
{
    /// <summary>
    /// Writes a safetensors file atomically: everything is written to a temporary file in the same directory,
    /// flushed to disk, and then moved over <paramref name="path"/>. If anything fails (including enumerating
    /// <paramref name="tensors"/> or reading their data) an existing file at <paramref name="path"/> is left
    /// untouched and the temporary file is deleted.
    /// </summary>
    /// <param name="path">The destination file; its directory must exist.</param>
    /// <param name="tensors">The tensors; names must be unique.</param>
    /// <param name="metadata">Optional <c>"__metadata__"</c> strings; <see langword="null"/> (the default) or empty writes none.</param>
    /// <exception cref="ArgumentException">Duplicate or null tensors, or a null metadata key/value.</exception>
    /// <exception cref="IOException">The file cannot be written or replaced.</exception>
    public static void Save(string path, IEnumerable<SafetensorsTensor> tensors, IReadOnlyDictionary<string, string>? metadata = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        string fullPath = Path.GetFullPath(path);
        string directory = Path.GetDirectoryName(fullPath)
            ?? throw new ArgumentException($"'{path}' names a root directory, not a file.", nameof(path));
        string fileName = Path.GetFileName(fullPath);
        if (fileName.Length == 0)
        {
            throw new ArgumentException($"'{path}' names a directory, not a file.", nameof(path));
        }

        // Everything that can be checked is checked before the disk is touched.
        (SafetensorsTensor[] ordered, byte[] header) = Prepare(tensors, metadata);
        string temporary = Path.Combine(directory, $".{fileName}.{Guid.NewGuid():N}.tmp");
        try
        {
            using (var stream = new FileStream(temporary, FileMode.CreateNew, FileAccess.Write, FileShare.None, bufferSize: 1 << 16))
            {
                WriteCore(stream, ordered, header);
                stream.Flush(flushToDisk: true);
            }

            File.Move(temporary, fullPath, overwrite: true);
        }
        catch
        {
            TryDelete(temporary);
            throw;
        }
    }

    /// <summary>Writes a safetensors file to <paramref name="destination"/> at its current position (not atomic).</summary>
    /// <param name="destination">A writable stream; it is not closed.</param>
    /// <param name="tensors">The tensors; names must be unique.</param>
    /// <param name="metadata">Optional <c>"__metadata__"</c> strings; <see langword="null"/> (the default) or empty writes none.</param>
    /// <exception cref="ArgumentException">Duplicate or null tensors, or a null metadata key/value.</exception>
    public static void Write(Stream destination, IEnumerable<SafetensorsTensor> tensors, IReadOnlyDictionary<string, string>? metadata = null)
    {
        ArgumentNullException.ThrowIfNull(destination);
        (SafetensorsTensor[] ordered, byte[] header) = Prepare(tensors, metadata);
        WriteCore(destination, ordered, header);
    }

    /// <summary>Returns the bytes of a safetensors file holding <paramref name="tensors"/>.</summary>
    /// <param name="tensors">The tensors; names must be unique.</param>
    /// <param name="metadata">Optional <c>"__metadata__"</c> strings; <see langword="null"/> (the default) or empty writes none.</param>
    /// <returns>The complete file.</returns>
    /// <exception cref="ArgumentException">Duplicate or null tensors, or a null metadata key/value.</exception>
    public static byte[] ToArray(IEnumerable<SafetensorsTensor> tensors, IReadOnlyDictionary<string, string>? metadata = null)
    {
        using var stream = new MemoryStream();
        Write(stream, tensors, metadata);
        return stream.ToArray();
    }

    private static (SafetensorsTensor[] Ordered, byte[] Header) Prepare(IEnumerable<SafetensorsTensor> tensors, IReadOnlyDictionary<string, string>? metadata)
    {
        ArgumentNullException.ThrowIfNull(tensors);
        SafetensorsTensor[] ordered = [.. tensors];
        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (SafetensorsTensor tensor in ordered)
        {
            if (tensor is null)
            {
                throw new ArgumentException("The tensors must not contain null.", nameof(tensors));
            }

            if (!names.Add(tensor.Name))
            {
                throw new ArgumentException($"The tensor name '{tensor.Name}' appears more than once.", nameof(tensors));
            }
        }

        if (metadata is not null)
        {
            foreach (KeyValuePair<string, string> pair in metadata)
            {
                if (pair.Key is null || pair.Value is null)
                {
                    throw new ArgumentException("Metadata keys and values must not be null.", nameof(metadata));
                }
            }
        }

        Array.Sort(ordered, static (a, b) =>
        {
            int bySize = b.DType.GetElementSize().CompareTo(a.DType.GetElementSize());
            return bySize != 0 ? bySize : string.CompareOrdinal(a.Name, b.Name);
        });
        return (ordered, SafetensorsHeaderWriter.Build(ordered, metadata));
    }

    private static void WriteCore(Stream stream, SafetensorsTensor[] ordered, byte[] header)
    {
        Span<byte> prefix = stackalloc byte[8];
        BinaryPrimitives.WriteUInt64LittleEndian(prefix, (ulong)header.Length);
        stream.Write(prefix);
        stream.Write(header);
        foreach (SafetensorsTensor tensor in ordered)
        {
            tensor.WriteData(stream);
        }
    }

    private static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (IOException)
        {
            // Best effort: the original error matters more than a leftover temporary file.
        }
        catch (UnauthorizedAccessException)
        {
            // As above.
        }
    }
}
