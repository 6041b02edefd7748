using System.Buffers;
using System.Runtime.InteropServices;
using System.Text;

namespace Alignment.Models.Tokenization;

/// <content>Decoding: token ids to text.</content>
public sealed partial class ByteLevelBpeTokenizer
{
    /// <inheritdoc/>
    /// <remarks>
    /// The tokens' bytes are concatenated and read as UTF-8; a sequence that is not valid UTF-8
    /// (for example ids cut in the middle of a character) decodes with U+FFFD in its place.
    /// </remarks>
    public string Decode(IEnumerable<int> ids, bool skipSpecialTokens = false)
    {
        ArgumentNullException.ThrowIfNull(ids);
        return ids switch
        {
            int[] array => Decode(array.AsSpan(), skipSpecialTokens),
            List<int> list => Decode(CollectionsMarshal.AsSpan(list), skipSpecialTokens),
            _ => Decode(ids.ToArray().AsSpan(), skipSpecialTokens),
        };
    }

    /// <inheritdoc/>
    /// <remarks>
    /// The tokens' bytes are concatenated and read as UTF-8; a sequence that is not valid UTF-8
    /// (for example ids cut in the middle of a character) decodes with U+FFFD in its place.
    /// </remarks>
    public string Decode(ReadOnlySpan<int> ids, bool skipSpecialTokens = false)
    {
        byte[]?[] idToBytes = _model.IdToBytes;
        int total = 0;
        for (int i = 0; i < ids.Length; i++)
        {
            int id = ids[i];
            byte[] bytes = ((uint)id < (uint)idToBytes.Length ? idToBytes[id] : null)
                ?? throw new ArgumentOutOfRangeException(
                    nameof(ids), id, $"Token id {id} at index {i} is not in the vocabulary (size {idToBytes.Length}).");
            total += skipSpecialTokens && _isSpecial[id] ? 0 : bytes.Length;
        }

        byte[]? rented = null;
        try
        {
            Span<byte> buffer = total <= 1024 ? stackalloc byte[1024] : (rented = ArrayPool<byte>.Shared.Rent(total));
            int length = 0;
            foreach (int id in ids)
            {
                if (!(skipSpecialTokens && _isSpecial[id]))
                {
                    byte[] bytes = idToBytes[id]!;
                    bytes.CopyTo(buffer[length..]);
                    length += bytes.Length;
                }
            }

            return Encoding.UTF8.GetString(buffer[..length]);
        }
        finally
        {
            if (rented is not null)
            {
                ArrayPool<byte>.Shared.Return(rented);
            }
        }
    }
}
