using System.Globalization;
using System.Text;

namespace Alignment.Models.Tokenization.Loading;

/// <summary>Formatting helpers for tokenizer error messages.</summary>
internal static class ErrorText
{
    /// <summary>Quotes a token for an error message, escaping quotes, backslashes and control characters.</summary>
    public static string Quote(string token)
    {
        var builder = new StringBuilder(token.Length + 2).Append('"');
        foreach (char c in token)
        {
            if (c is '"' or '\\')
            {
                builder.Append('\\').Append(c);
            }
            else if (char.IsControl(c))
            {
                builder.Append("\\u").Append(((int)c).ToString("X4", CultureInfo.InvariantCulture));
            }
            else
            {
                builder.Append(c);
            }
        }

        return builder.Append('"').ToString();
    }
}
