namespace Alignment.Models.Checkpoints;

/// <summary>
/// Writes the files of a checkpoint (config.json, model.safetensors, …) as one unit, so that a failure never leaves
/// a mix of old and new files: every file is first written in full to a temporary file in the destination folder and
/// flushed to disk; only then are the temporary files renamed over the old ones, in order, each old file kept as a
/// backup (a hard link where the platform allows) until every rename succeeded. When a rename fails, the files already
/// replaced are put back from their backups. Temporary files and backups are deleted in every case.
/// </summary>
/// <remarks>
/// Each rename is atomic, the set of renames is not: a process killed between two of them leaves some files new and
/// some old (plus a hidden backup file). An exception, however, always leaves the old files as they were.
/// </remarks>
internal static class CheckpointFiles
{
    /// <summary>Writes <paramref name="files"/> into <paramref name="directory"/> (created if missing) as described above.</summary>
    /// <param name="directory">The checkpoint folder.</param>
    /// <param name="files">File names (no folders) and the code that writes each one's content to a stream.</param>
    public static void Write(string directory, IReadOnlyList<(string FileName, Action<Stream> Write)> files)
    {
        ArgumentException.ThrowIfNullOrEmpty(directory);
        ArgumentNullException.ThrowIfNull(files);
        Directory.CreateDirectory(directory);
        var staged = new List<StagedFile>(files.Count);
        try
        {
            foreach (var (fileName, write) in files)
            {
                var file = StagedFile.Create(directory, fileName);
                staged.Add(file);
                file.WriteTemporary(write);
            }

            Commit(staged);
        }
        finally
        {
            foreach (var file in staged)
            {
                file.Cleanup();
            }
        }
    }

    private static void Commit(List<StagedFile> staged)
    {
        var committed = 0;
        try
        {
            for (; committed < staged.Count; committed++)
            {
                staged[committed].Commit();
            }
        }
        catch (Exception failure)
        {
            // Put back, newest first, whatever was already replaced, then report the original failure.
            var unrestored = new List<string>();
            for (var i = committed - 1; i >= 0; i--)
            {
                if (!staged[i].TryRollback())
                {
                    unrestored.Add($"{staged[i].Destination} (the previous file is kept as {staged[i].Backup})");
                }
            }

            if (unrestored.Count > 0)
            {
                throw new IOException($"Writing the checkpoint failed ({failure.Message}) and restoring the previous files failed too: {string.Join(", ", unrestored)}.", failure);
            }

            throw;
        }
    }
}
