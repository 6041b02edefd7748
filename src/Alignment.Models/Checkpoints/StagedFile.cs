namespace Alignment.Models.Checkpoints;

/// <summary>
/// One file of a <see cref="CheckpointFiles"/> write: its destination, the hidden temporary file that receives the new
/// content, and the hidden backup of the old content while the write is being committed.
/// </summary>
internal sealed class StagedFile
{
    private const int BufferSize = 1 << 16;

    private bool _keepBackup;

    private StagedFile(string destination, string temporary, string backup)
    {
        Destination = destination;
        Temporary = temporary;
        Backup = backup;
    }

    /// <summary>The final path.</summary>
    public string Destination { get; }

    /// <summary>The temporary file holding the new content until it is committed.</summary>
    public string Temporary { get; }

    /// <summary>Where the old content is kept during the commit.</summary>
    public string Backup { get; }

    /// <summary>Whether a previous file existed and was moved to <see cref="Backup"/>.</summary>
    public bool HasBackup { get; private set; }

    /// <summary>Whether the new content is now at <see cref="Destination"/>.</summary>
    public bool IsCommitted { get; private set; }

    /// <summary>Names the temporary and backup files of <paramref name="fileName"/> in <paramref name="directory"/>.</summary>
    public static StagedFile Create(string directory, string fileName)
    {
        ArgumentException.ThrowIfNullOrEmpty(fileName);
        if (fileName.IndexOfAny(['/', '\\']) >= 0 || fileName is "." or "..")
        {
            throw new ArgumentException($"'{fileName}' must be a plain file name.", nameof(fileName));
        }

        var id = Guid.NewGuid().ToString("N");
        return new StagedFile(
            Path.Combine(directory, fileName),
            Path.Combine(directory, $".{fileName}.{id}.tmp"),
            Path.Combine(directory, $".{fileName}.{id}.bak"));
    }

    /// <summary>Writes the new content to <see cref="Temporary"/> and flushes it to disk.</summary>
    public void WriteTemporary(Action<Stream> write)
    {
        ArgumentNullException.ThrowIfNull(write);
        using var stream = new FileStream(Temporary, FileMode.CreateNew, FileAccess.Write, FileShare.None, BufferSize);
        write(stream);
        stream.Flush(flushToDisk: true);
    }

    /// <summary>Renames the temporary file over the destination, keeping the old file as <see cref="Backup"/>.</summary>
    public void Commit()
    {
        if (File.Exists(Destination))
        {
            File.Replace(Temporary, Destination, Backup, ignoreMetadataErrors: true);
            HasBackup = true;
        }
        else
        {
            File.Move(Temporary, Destination, overwrite: false);
        }

        IsCommitted = true;
    }

    /// <summary>
    /// Undoes <see cref="Commit"/>: the backup goes back to the destination (or the new file is removed).
    /// When that fails, the backup is kept (not deleted by <see cref="Cleanup"/>) and false is returned.
    /// </summary>
    public bool TryRollback()
    {
        if (!IsCommitted)
        {
            return true;
        }

        try
        {
            if (HasBackup)
            {
                File.Move(Backup, Destination, overwrite: true);
                HasBackup = false;
            }
            else
            {
                File.Delete(Destination);
            }

            IsCommitted = false;
            return true;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            _keepBackup = HasBackup;
            return false;
        }
    }

    /// <summary>Deletes the temporary file and the backup (unless a failed rollback left the only copy there); best effort.</summary>
    public void Cleanup()
    {
        TryDelete(Temporary);
        if (!_keepBackup)
        {
            TryDelete(Backup);
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
            // Best effort: the original error, if any, matters more than a leftover hidden file.
        }
        catch (UnauthorizedAccessException)
        {
            // As above.
        }
    }
}
