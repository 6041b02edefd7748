using System.Text;
using Alignment.Models.Checkpoints;
using Alignment.Models.Tests.Testing;

namespace Alignment.Models.Tests.Checkpoints;

public class CheckpointFilesTests
{
    [Fact]
    public void Write_NewFolder_CreatesEveryFile()
    {
        using var dir = new TempDirectory();
        var folder = Path.Combine(dir.Path, "model");

        CheckpointFiles.Write(folder, [("a.txt", Text("new a")), ("b.txt", Text("new b"))]);

        Assert.Equal("new a", File.ReadAllText(Path.Combine(folder, "a.txt")));
        Assert.Equal("new b", File.ReadAllText(Path.Combine(folder, "b.txt")));
        Assert.Equal(2, Directory.GetFileSystemEntries(folder).Length);
    }

    [Fact]
    public void Write_SecondWriterThrows_LeavesOldFilesAndNoTemporaries()
    {
        using var dir = new TempDirectory();
        File.WriteAllText(dir.File("a.txt"), "old a");
        File.WriteAllText(dir.File("b.txt"), "old b");

        Assert.Throws<IOException>(() => CheckpointFiles.Write(dir.Path,
        [
            ("a.txt", Text("new a")),
            ("b.txt", stream =>
            {
                stream.Write("partial"u8);
                throw new IOException("Simulated failure.");
            }),
        ]));

        Assert.Equal("old a", File.ReadAllText(dir.File("a.txt")));
        Assert.Equal("old b", File.ReadAllText(dir.File("b.txt")));
        Assert.Equal(["a.txt", "b.txt"], dir.EntryNames());
    }

    [Fact]
    public void Write_SecondRenameFails_RestoresTheFirstFile()
    {
        using var dir = new TempDirectory();
        File.WriteAllText(dir.File("a.txt"), "old a");
        Directory.CreateDirectory(dir.File("b.txt")); // a file cannot be renamed over a folder

        Assert.ThrowsAny<Exception>(() => CheckpointFiles.Write(dir.Path, [("a.txt", Text("new a")), ("b.txt", Text("new b"))]));

        Assert.Equal("old a", File.ReadAllText(dir.File("a.txt")));
        Assert.Equal(["a.txt", "b.txt"], dir.EntryNames());
    }

    [Fact]
    public void Write_SecondRenameFailsWithoutOldFile_RemovesTheNewFirstFile()
    {
        using var dir = new TempDirectory();
        Directory.CreateDirectory(dir.File("b.txt"));

        Assert.ThrowsAny<Exception>(() => CheckpointFiles.Write(dir.Path, [("a.txt", Text("new a")), ("b.txt", Text("new b"))]));

        Assert.Equal(["b.txt"], dir.EntryNames());
    }

    private static Action<Stream> Text(string text) => stream => stream.Write(Encoding.UTF8.GetBytes(text));
}
