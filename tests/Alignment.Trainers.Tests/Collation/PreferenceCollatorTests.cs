using Alignment.Trainers.Collation;
using Alignment.Trainers.Data;
using Alignment.Trainers.Tests.Testing;

namespace Alignment.Trainers.Tests.Collation;

public class PreferenceCollatorTests
{
    private static readonly WordTokenizer Tokenizer = new(["p1", "p2", "p3", "p4", "r1", "r2", "r3", "x"]);

    private static int Id(string word) => Tokenizer.TokenToId(word)!.Value;

    private static int[] Ids(string words) => Tokenizer.EncodeToIds(words);

    [Fact]
    public void Encode_Fits_ConcatenatesPromptAndResponse()
    {
        var collator = new PreferenceCollator(Tokenizer, maxLength: 8);
        Assert.Equal(Ids("p1 p2 r1 r2"), collator.Encode("p1 p2", "r1 r2"));
    }

    [Fact]
    public void Encode_TooLong_CutsThePromptFromTheLeftFirst()
    {
        var collator = new PreferenceCollator(Tokenizer, maxLength: 5);
        Assert.Equal(Ids("p3 p4 r1 r2 r3"), collator.Encode("p1 p2 p3 p4", "r1 r2 r3"));
    }

    [Fact]
    public void Encode_ResponseAloneTooLong_KeepsTheResponsesEnd()
    {
        var collator = new PreferenceCollator(Tokenizer, maxLength: 2);
        Assert.Equal(Ids("r2 r3"), collator.Encode("p1 p2", "r1 r2 r3"));
    }

    [Fact]
    public void Encode_AppendEndOfText_EndsTheResponseWithEosEvenWhenTruncated()
    {
        var collator = new PreferenceCollator(Tokenizer, maxLength: 3, appendEndOfText: true);
        Assert.Equal([Id("p2"), Id("r1"), 0], collator.Encode("p1 p2", "r1"));
        Assert.Equal([Id("r2"), Id("r3"), 0], collator.Encode("p1", "r1 r2 r3"));
    }

    [Fact]
    public void Tokenize_MarksTruncationAndIndistinguishablePairs()
    {
        var collator = new PreferenceCollator(Tokenizer, maxLength: 2);
        var cut = collator.Tokenize(new PreferencePair("p1 p2", "r1 x", "r2 x"));
        Assert.True(cut.Truncated);
        Assert.False(cut.IsIndistinguishable);
        var same = collator.Tokenize(new PreferencePair("p1", "r1 r2 x", "r3 r2 x"));
        Assert.True(same.IsIndistinguishable);
    }

    [Fact]
    public void Collate_TwoPairs_StacksChosenRowsThenRejectedRowsRightPadded()
    {
        var collator = new PreferenceCollator(Tokenizer, maxLength: 8);
        var batch = collator.Collate([new PreferencePair("p1", "r1 r2", "r3", 0.5f), new PreferencePair("p2 p3", "x", "r1 r2 r3")]);
        Assert.Equal(2, batch.PairCount);
        Assert.Equal([4, 5], batch.InputIds.Shape.ToArray());
        var pad = collator.PaddingId;
        int[][] expectedIds =
        [
            [Id("p1"), Id("r1"), Id("r2"), pad, pad],
            [Id("p2"), Id("p3"), Id("x"), pad, pad],
            [Id("p1"), Id("r3"), pad, pad, pad],
            [Id("p2"), Id("p3"), Id("r1"), Id("r2"), Id("r3")],
        ];
        Assert.Equal(expectedIds.SelectMany(r => r), batch.InputIds.Data);
        Assert.Equal([1, 1, 1, 0, 0, 1, 1, 1, 0, 0, 1, 1, 0, 0, 0, 1, 1, 1, 1, 1], batch.AttentionMask.Data);
        Assert.Equal([0.5f, 0f], batch.Margins);
        Assert.True(batch.HasMargins);
    }

    [Fact]
    public void PaddingId_WithoutPaddingToken_IsEndOfText() =>
        Assert.Equal(Tokenizer.EndOfTextId, new PreferenceCollator(Tokenizer, 4).PaddingId);

    [Fact]
    public void Collate_NoPairs_Throws() =>
        Assert.Throws<ArgumentException>(() => new PreferenceCollator(Tokenizer, 4).Collate(Array.Empty<PreferencePair>()));
}
