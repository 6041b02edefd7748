using System.Buffers.Binary;
using System.Text;

namespace Alignment.Tests.IO;

/// <summary>Seeded random mutations of safetensors bytes, from raw bit flips to targeted JSON edits.</summary>
internal sealed class SafetensorsMutator(int seed)
{
    private static readonly string[] DTypeStrings = ["F32", "F16", "BF16", "I64", "I32", "F64", "U8", "bf16", "", "F32 ", "I6"];

    private static readonly string[] NumberStrings =
    [
        "0", "1", "2", "3", "4", "7", "8", "-1", "-8", "1.5", "1e3", "-0", "2147483647", "2147483648", "4294967296",
        "9223372036854775807", "9223372036854775808", "18446744073709551615", "99999999999999999999999", "\"4\"", "null", "[]",
    ];

    private static readonly string[] Tokens = ["{", "}", "[", "]", ",", ":", "\"", "\\", "\"dtype\"", "\"shape\"", "\"data_offsets\"", "\"__metadata__\"", "\\ud800", " "];

    private static readonly ulong[] HeaderLengths = [0, 1, 7, 8, 100_000_000, 100_000_001, int.MaxValue, uint.MaxValue, long.MaxValue, ulong.MaxValue, 1UL << 63];

    private readonly Random _random = new(seed);

    /// <summary>Returns a mutated copy of <paramref name="file"/>; one to three mutations are applied.</summary>
    public byte[] Mutate(byte[] file)
    {
        byte[] result = file;
        int count = 1 + _random.Next(3);
        for (int i = 0; i < count; i++)
        {
            result = MutateOnce(result);
        }

        return result;
    }

    private byte[] MutateOnce(byte[] file) => _random.Next(10) switch
    {
        0 => FlipBit(file),
        1 => OverwriteByte(file),
        2 => Truncate(file),
        3 => Extend(file),
        4 => SetHeaderLength(file),
        5 => EditHeader(file, ReplaceNumber),
        6 => EditHeader(file, ReplaceDType),
        7 => EditHeader(file, InsertToken),
        8 => EditHeader(file, DeleteSpan),
        _ => EditHeader(file, DuplicateSpan),
    };

    private byte[] FlipBit(byte[] file)
    {
        if (file.Length == 0)
        {
            return file;
        }

        byte[] copy = (byte[])file.Clone();
        // Half of the flips land in the length prefix or header, where they matter most.
        int limit = _random.Next(2) == 0 ? Math.Min(file.Length, HeaderEndOrLength(file)) : file.Length;
        int at = _random.Next(limit);
        copy[at] ^= (byte)(1 << _random.Next(8));
        return copy;
    }

    private byte[] OverwriteByte(byte[] file)
    {
        if (file.Length == 0)
        {
            return file;
        }

        byte[] copy = (byte[])file.Clone();
        copy[_random.Next(Math.Min(file.Length, HeaderEndOrLength(file)))] = (byte)_random.Next(256);
        return copy;
    }

    private byte[] Truncate(byte[] file) => file[.._random.Next(file.Length + 1)];

    private byte[] Extend(byte[] file)
    {
        var extra = new byte[1 + _random.Next(_random.Next(2) == 0 ? 8 : 64)];
        _random.NextBytes(extra);
        return [.. file, .. extra];
    }

    private byte[] SetHeaderLength(byte[] file)
    {
        if (file.Length < 8)
        {
            return file;
        }

        byte[] copy = (byte[])file.Clone();
        ulong current = BinaryPrimitives.ReadUInt64LittleEndian(copy);
        ulong value = _random.Next(3) switch
        {
            0 => HeaderLengths[_random.Next(HeaderLengths.Length)],
            1 => unchecked(current + (ulong)(_random.Next(33) - 16)),
            _ => (ulong)_random.NextInt64(),
        };
        BinaryPrimitives.WriteUInt64LittleEndian(copy, value);
        return copy;
    }

    /// <summary>Decodes the header as text, edits it, and re-encodes the file with a consistent length (usually).</summary>
    private byte[] EditHeader(byte[] file, Func<string, string> edit)
    {
        if (file.Length < 8)
        {
            return file;
        }

        ulong length = BinaryPrimitives.ReadUInt64LittleEndian(file);
        if (length > (ulong)(file.Length - 8))
        {
            return file;
        }

        string header = Encoding.UTF8.GetString(file, 8, (int)length);
        byte[] data = file[(8 + (int)length)..];
        byte[] edited = Encoding.UTF8.GetBytes(edit(header));
        ulong? claimed = _random.Next(8) == 0 ? (ulong)edited.Length + (ulong)_random.Next(-2, 3) : null;
        return SafetensorsBytes.Build(edited, data, claimed);
    }

    private string ReplaceNumber(string header)
    {
        var digits = new List<int>();
        for (int i = 0; i < header.Length; i++)
        {
            if (char.IsAsciiDigit(header[i]) && (i == 0 || !char.IsAsciiDigit(header[i - 1])))
            {
                digits.Add(i);
            }
        }

        if (digits.Count == 0)
        {
            return header;
        }

        int start = digits[_random.Next(digits.Count)];
        int end = start;
        while (end < header.Length && char.IsAsciiDigit(header[end]))
        {
            end++;
        }

        string replacement = _random.Next(3) == 0
            ? NumberStrings[_random.Next(NumberStrings.Length)]
            : (System.Numerics.BigInteger.Parse(header[start..end]) + _random.Next(-9, 10)).ToString();
        return header[..start] + replacement + header[end..];
    }

    private string ReplaceDType(string header)
    {
        int at = header.IndexOf("\"dtype\":\"", StringComparison.Ordinal);
        int skip = _random.Next(4);
        while (at >= 0 && skip-- > 0)
        {
            int next = header.IndexOf("\"dtype\":\"", at + 1, StringComparison.Ordinal);
            at = next >= 0 ? next : at;
            if (next < 0)
            {
                break;
            }
        }

        if (at < 0)
        {
            return header;
        }

        int valueStart = at + 9;
        int valueEnd = header.IndexOf('"', valueStart);
        return valueEnd < 0 ? header : header[..valueStart] + DTypeStrings[_random.Next(DTypeStrings.Length)] + header[valueEnd..];
    }

    private string InsertToken(string header)
    {
        int at = _random.Next(header.Length + 1);
        return header[..at] + Tokens[_random.Next(Tokens.Length)] + header[at..];
    }

    private string DeleteSpan(string header)
    {
        if (header.Length == 0)
        {
            return header;
        }

        int at = _random.Next(header.Length);
        int length = 1 + _random.Next(Math.Min(12, header.Length - at));
        return header.Remove(at, length);
    }

    private string DuplicateSpan(string header)
    {
        if (header.Length == 0)
        {
            return header;
        }

        int at = _random.Next(header.Length);
        int length = 1 + _random.Next(Math.Min(40, header.Length - at));
        int to = _random.Next(header.Length + 1);
        return header.Insert(to, header.Substring(at, length));
    }

    private static int HeaderEndOrLength(byte[] file)
    {
        if (file.Length < 8)
        {
            return file.Length;
        }

        ulong length = BinaryPrimitives.ReadUInt64LittleEndian(file);
        return length <= (ulong)(file.Length - 8) ? 8 + (int)length : file.Length;
    }
}
