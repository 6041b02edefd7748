using System.Buffers;
using Alignment.IO;

namespace Alignment.Tests.IO;

public class SafetensorsAtomicWriteTests
{
    private static readonly SafetensorsTensor[] Original = [SafetensorsTensor.FromSingle("old", [2], new[] { 1f, 2f })];

    [Fact]
    public void Save_EnumeratorThrows_LeavesOldFileAndNoTempFile()
    {
        using var dir = new TempDirectory();
        string path = dir.File("model.safetensors");
        SafetensorsWriter.Save(path, Original);
        byte[] before = File.ReadAllBytes(path);

        var ex = Assert.Throws<InvalidOperationException>(() => SafetensorsWriter.Save(path, Failing()));

        Assert.Equal("producer failed", ex.Message);
        Assert.Equal(before, File.ReadAllBytes(path));
        Assert.Equal(["model.safetensors"], dir.FileNames());

        static IEnumerable<SafetensorsTensor> Failing()
        {
            yield return SafetensorsTensor.FromSingle("new", [1], new[] { 3f });
            throw new InvalidOperationException("producer failed");
        }
    }

    [Fact]
    public void Save_DataFailsMidway_LeavesOldFileAndDeletesTempFile()
    {
        using var dir = new TempDirectory();
        string path = dir.File("model.safetensors");
        SafetensorsWriter.Save(path, Original);
        byte[] before = File.ReadAllBytes(path);
        // "b" sorts after "a" (same element size), so the header and "a" are already in the temporary file when "b" fails.
        using var failing = new ThrowingMemory(() => Assert.Equal(2, dir.FileNames().Length));
        SafetensorsTensor[] tensors =
        [
            SafetensorsTensor.FromSingle("a", [100_000], new float[100_000]),
            SafetensorsTensor.FromBytes("b", SafetensorsDType.F32, [4], failing.Memory),
        ];

        Assert.Throws<IOException>(() => SafetensorsWriter.Save(path, tensors));

        Assert.True(failing.Called);
        Assert.Equal(before, File.ReadAllBytes(path));
        Assert.Equal(["model.safetensors"], dir.FileNames());
    }

    [Fact]
    public void Save_InvalidArguments_DoNotTouchDisk()
    {
        using var dir = new TempDirectory();
        string path = dir.File("model.safetensors");
        SafetensorsWriter.Save(path, Original);
        byte[] before = File.ReadAllBytes(path);

        Assert.Throws<ArgumentException>(() => SafetensorsWriter.Save(path, [Original[0], Original[0]]));

        Assert.Equal(before, File.ReadAllBytes(path));
        Assert.Equal(["model.safetensors"], dir.FileNames());
    }

    [Fact]
    public void Save_OverExistingFile_ReplacesIt()
    {
        using var dir = new TempDirectory();
        string path = dir.File("model.safetensors");
        SafetensorsWriter.Save(path, Original);

        SafetensorsWriter.Save(path, [SafetensorsTensor.FromInt64("new", [1], new[] { 42L })]);

        using var file = SafetensorsFile.Open(path);
        Assert.Equal(["new"], file.Tensors.Select(t => t.Name));
        Assert.Equal([42L], file.ReadInt64("new"));
        Assert.Equal(["model.safetensors"], dir.FileNames());
    }

    [Fact]
    public void Save_MissingDirectory_ThrowsWithoutCreatingAnything()
    {
        using var dir = new TempDirectory();

        Assert.Throws<DirectoryNotFoundException>(() => SafetensorsWriter.Save(Path.Combine(dir.Path, "missing", "m.safetensors"), Original));

        Assert.Empty(Directory.GetFileSystemEntries(dir.Path));
    }

    /// <summary>Memory whose span cannot be obtained: it simulates a data source failing while the file is written.</summary>
    private sealed class ThrowingMemory(Action onCall) : MemoryManager<byte>
    {
        public bool Called { get; private set; }

        public override Memory<byte> Memory => CreateMemory(16);

        public override Span<byte> GetSpan()
        {
            Called = true;
            onCall();
            throw new IOException("data source failed");
        }

        public override MemoryHandle Pin(int elementIndex = 0) => throw new NotSupportedException();

        public override void Unpin()
        {
        }

        protected override void Dispose(bool disposing)
        {
        }
    }
}
