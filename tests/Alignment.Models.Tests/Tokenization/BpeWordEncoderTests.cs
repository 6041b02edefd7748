using System.Text;
using Alignment.Models.Tokenization.Bpe;
using Alignment.Models.Tokenization.ByteLevel;
using Alignment.Models.Tokenization.Loading;

namespace Alignment.Models.Tests.Tokenization;

public class BpeWordEncoderTests
{
    private static readonly Lazy<(BpeMergeTable Merges, Dictionary<string, int> Vocabulary)> Gpt2 = new(() =>
    {
        var vocabulary = VocabJsonReader.Read(File.ReadAllBytes(Gpt2Fixture.VocabPath), "vocab.json");
        using var reader = new StreamReader(Gpt2Fixture.MergesPath);
        return (BpeMergeTable.Build(MergesTxtReader.Read(reader, "merges.txt"), vocabulary, "merges.txt"), vocabulary);
    });

    [Fact]
    public void HeapAndLinkedListPathsAgree()
    {
        var (merges, vocabulary) = Gpt2.Value;
        var random = new Random(5);
        const string letters = "etaoinshrdlucmfwypvbgkqjxz   ETAOIN'0123456789.,éü中😀";
        for (int i = 0; i < 5_000; i++)
        {
            var word = new StringBuilder();
            int length = random.Next(1, 40);
            for (int k = 0; k < length; k++)
            {
                word.Append(letters[random.Next(letters.Length)]);
            }

            int[] symbols = Symbols(Encoding.UTF8.GetBytes(word.ToString()), vocabulary);
            if (symbols.Length > BpeWordEncoder.SmallWordLimit)
            {
                continue;
            }

            int[] small = (int[])symbols.Clone();
            int[] large = (int[])symbols.Clone();
            int smallCount = BpeWordEncoder.EncodeSmall(merges, small);
            int largeCount = BpeWordEncoder.EncodeLarge(merges, large);
            Assert.Equal(small.AsSpan(0, smallCount).ToArray(), large.AsSpan(0, largeCount).ToArray());
        }
    }

    [Fact]
    public void RepeatedPairsMergeLeftToRightWithoutOverlap()
    {
        var vocabulary = TinyBpe.Vocabulary();
        using var reader = new StreamReader(TinyBpe.MergesTxt());
        var merges = BpeMergeTable.Build(MergesTxtReader.Read(reader, "merges.txt"), vocabulary, "merges.txt");
        foreach (int spaces in (int[])[2, 3, 5, 80])
        {
            int[] symbols = Symbols(Encoding.UTF8.GetBytes(new string(' ', spaces)), vocabulary);
            int[] small = (int[])symbols.Clone();
            int count = spaces <= BpeWordEncoder.SmallWordLimit ? BpeWordEncoder.EncodeSmall(merges, small) : -1;
            int[] large = (int[])symbols.Clone();
            int largeCount = BpeWordEncoder.EncodeLarge(merges, large);
            int[] expected = [.. Enumerable.Repeat(vocabulary["\u0120\u0120"], spaces / 2), .. Enumerable.Repeat(vocabulary["\u0120"], spaces % 2)];
            Assert.Equal(expected, large.AsSpan(0, largeCount).ToArray());
            if (count >= 0)
            {
                Assert.Equal(expected, small.AsSpan(0, count).ToArray());
            }
        }
    }

    private static int[] Symbols(byte[] bytes, Dictionary<string, int> vocabulary) =>
        [.. bytes.Select(b => vocabulary[ByteUnicodeMap.ToChar(b).ToString()])];
}
