namespace Alignment.Models.Tokenization.Loading;

/// <summary>The raw content of byte-level BPE tokenizer files, before validation.</summary>
internal sealed class TokenizerFileContent
{
    /// <summary>Creates the content from its parts.</summary>
    public TokenizerFileContent(
        Dictionary<string, int> vocabulary,
        string vocabularySource,
        IReadOnlyList<MergeEntry> merges,
        string mergesSource,
        IReadOnlyList<AddedTokenEntry> addedTokens)
    {
        Vocabulary = vocabulary;
        VocabularySource = vocabularySource;
        Merges = merges;
        MergesSource = mergesSource;
        AddedTokens = addedTokens;
    }

    /// <summary>Token (byte-level form) to id.</summary>
    public Dictionary<string, int> Vocabulary { get; }

    /// <summary>The name of the file or stream the vocabulary came from.</summary>
    public string VocabularySource { get; }

    /// <summary>The merge rules, in rank order.</summary>
    public IReadOnlyList<MergeEntry> Merges { get; }

    /// <summary>The name of the file or stream the merges came from.</summary>
    public string MergesSource { get; }

    /// <summary>Added tokens (tokenizer.json only; empty otherwise).</summary>
    public IReadOnlyList<AddedTokenEntry> AddedTokens { get; }
}
