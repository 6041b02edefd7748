namespace Alignment.IO;

/// <summary>A parsed and validated header: the tensors in header order and the metadata.</summary>
internal sealed class SafetensorsHeader(SafetensorsTensorInfo[] tensors, Dictionary<string, string> metadata)
{
    public SafetensorsTensorInfo[] Tensors { get; } = tensors;

    public Dictionary<string, string> Metadata { get; } = metadata;
}
