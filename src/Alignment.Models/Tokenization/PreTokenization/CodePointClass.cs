namespace Alignment.Models.Tokenization.PreTokenization;

/// <summary>The classes of code points that the GPT-2 pre-tokenization pattern distinguishes.</summary>
internal enum CodePointClass : byte
{
    /// <summary>Anything that is not a letter, number or white space (<c>[^\s\p{L}\p{N}]</c>).</summary>
    Other = 0,

    /// <summary>A letter: Unicode categories Lu, Ll, Lt, Lm, Lo (<c>\p{L}</c>).</summary>
    Letter = 1,

    /// <summary>A number: Unicode categories Nd, Nl, No (<c>\p{N}</c>).</summary>
    Number = 2,

    /// <summary>White space as .NET regular expressions define <c>\s</c>: <c>[\f\n\r\t\v\x85\p{Z}]</c>.</summary>
    WhiteSpace = 3,
}
