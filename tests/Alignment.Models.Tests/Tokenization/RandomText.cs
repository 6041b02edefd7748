using System.Text;

namespace Alignment.Models.Tests.Tokenization;

/// <summary>Seeded generator of awkward, valid (no lone surrogate) strings.</summary>
internal sealed class RandomText
{
    private static readonly string[] Words =
        ["the", "The", "THE", "hello", "world", "naïve", "façade", "Straße", "東京", "данные", "مرحبا", "x", "ab"];

    private static readonly string[] Contractions = ["'s", "'t", "'re", "'ve", "'m", "'ll", "'d", "'S", "'LL", "'", "''s"];

    private static readonly string[] Spaces = [" ", "  ", "\t", "\n", "\r\n", "\n\n", " \n ", "\u00A0", "\u3000", "\u2003", "\u0085", "\v\f"];

    private static readonly string[] Emoji =
        ["😀", "👍🏽", "👩\u200D💻", "👨\u200D👩\u200D👧\u200D👦", "🏳\uFE0F\u200D🌈", "❤\uFE0F", "🇺🇸"];

    private static readonly string[] Punctuation = [".", ",", "!!!", "?", "-", "--", "(", ")", "\"", "#", "<|", "|>", "©", "€", "…", "«»"];

    private readonly Random _random;

    public RandomText(int seed) => _random = new Random(seed);

    public string Next()
    {
        var builder = new StringBuilder();
        int segments = _random.Next(0, 16);
        for (int s = 0; s < segments; s++)
        {
            AppendSegment(builder);
        }

        return builder.ToString();
    }

    private void AppendSegment(StringBuilder builder)
    {
        switch (_random.Next(9))
        {
            case 0: builder.Append(Pick(Words)); break;
            case 1: builder.Append(Pick(Contractions)); break;
            case 2: builder.Append(Pick(Spaces)); break;
            case 3: builder.Append(Pick(Emoji)); break;
            case 4: builder.Append(Pick(Punctuation)); break;
            case 5: builder.Append(_random.Next(0, 1_000_000)); break;
            case 6: builder.Append('e').Append('\u0301', _random.Next(1, 4)); break;
            case 7: builder.Append(RandomScalar()); break;
            default: builder.Append(Pick(Spaces)).Append(Pick(Words)); break;
        }
    }

    /// <summary>A random Unicode scalar value from any plane (never a surrogate code point).</summary>
    private string RandomScalar()
    {
        int plane = _random.Next(4);
        int value = plane switch
        {
            0 => _random.Next(0, 0x80),
            1 => _random.Next(0x80, 0x10000),
            2 => _random.Next(0x10000, 0x20000),
            _ => _random.Next(0x20000, 0x110000),
        };
        if (value is >= 0xD800 and <= 0xDFFF)
        {
            value = 0xFFFD;
        }

        return char.ConvertFromUtf32(value);
    }

    private string Pick(string[] options) => options[_random.Next(options.Length)];
}
