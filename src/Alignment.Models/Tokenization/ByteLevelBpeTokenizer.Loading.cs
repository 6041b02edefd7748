using System.Text;
using Alignment.Models.Tokenization.Loading;

namespace Alignment.Models.Tokenization;

/// <content>Factory methods that load a tokenizer from Hugging Face files.</content>
public sealed partial class ByteLevelBpeTokenizer
{
    /// <summary>Loads a tokenizer from a GPT-2 style vocab.json and merges.txt.</summary>
    /// <param name="vocabJsonPath">A JSON object mapping each token (byte-level spelling) to its id.</param>
    /// <param name="mergesTxtPath">Merge rules, one "left right" pair per line in rank order; a first <c>#version</c> line is skipped.</param>
    /// <param name="options">Loading settings; default <see langword="null"/> means the GPT-2 defaults of <see cref="ByteLevelBpeTokenizerOptions"/>.</param>
    /// <exception cref="TokenizerFormatException">A file is malformed; the message names the file and line.</exception>
    /// <exception cref="IOException">A file cannot be read.</exception>
    public static ByteLevelBpeTokenizer FromFiles(string vocabJsonPath, string mergesTxtPath, ByteLevelBpeTokenizerOptions? options = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(vocabJsonPath);
        ArgumentException.ThrowIfNullOrEmpty(mergesTxtPath);
        Dictionary<string, int> vocabulary = VocabJsonReader.Read(File.ReadAllBytes(vocabJsonPath), vocabJsonPath);
        using var merges = new StreamReader(mergesTxtPath, Encoding.UTF8);
        return Create(vocabulary, vocabJsonPath, merges, mergesTxtPath, options);
    }

    /// <summary>Loads a tokenizer from vocab.json and merges.txt content; the streams are read to the end and left open.</summary>
    /// <param name="vocabJson">UTF-8 vocab.json content.</param>
    /// <param name="mergesTxt">UTF-8 merges.txt content.</param>
    /// <param name="options">Loading settings; default <see langword="null"/> means the GPT-2 defaults.</param>
    /// <exception cref="TokenizerFormatException">The content is malformed; messages call the sources "vocab.json" and "merges.txt".</exception>
    public static ByteLevelBpeTokenizer FromStreams(Stream vocabJson, Stream mergesTxt, ByteLevelBpeTokenizerOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(vocabJson);
        ArgumentNullException.ThrowIfNull(mergesTxt);
        using var buffer = new MemoryStream();
        vocabJson.CopyTo(buffer);
        Dictionary<string, int> vocabulary = VocabJsonReader.Read(buffer.GetBuffer().AsSpan(0, (int)buffer.Length), "vocab.json");
        using var merges = new StreamReader(mergesTxt, Encoding.UTF8, detectEncodingFromByteOrderMarks: true, leaveOpen: true);
        return Create(vocabulary, "vocab.json", merges, "merges.txt", options);
    }

    /// <summary>Loads a tokenizer from a Hugging Face tokenizer.json with a byte-level BPE model.</summary>
    /// <param name="path">The tokenizer.json file: <c>model.type</c> "BPE", <c>model.vocab</c>, <c>model.merges</c> and optional <c>added_tokens</c>.</param>
    /// <param name="options">Loading settings; default <see langword="null"/> means the GPT-2 defaults. Added tokens flagged special are special in addition to those the options name.</param>
    /// <exception cref="TokenizerFormatException">The file is malformed or uses settings this tokenizer cannot reproduce (a normalizer, another pre-tokenizer, a prefix space, dropout).</exception>
    /// <exception cref="IOException">The file cannot be read.</exception>
    public static ByteLevelBpeTokenizer FromTokenizerJson(string path, ByteLevelBpeTokenizerOptions? options = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        using FileStream stream = File.OpenRead(path);
        return Create(TokenizerJsonReader.Read(stream, path), options);
    }

    /// <summary>Loads a tokenizer from tokenizer.json content; the stream is read to the end and left open.</summary>
    /// <param name="tokenizerJson">UTF-8 tokenizer.json content.</param>
    /// <param name="options">Loading settings; default <see langword="null"/> means the GPT-2 defaults.</param>
    /// <exception cref="TokenizerFormatException">The content is malformed; messages call the source "tokenizer.json".</exception>
    public static ByteLevelBpeTokenizer FromTokenizerJson(Stream tokenizerJson, ByteLevelBpeTokenizerOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(tokenizerJson);
        return Create(TokenizerJsonReader.Read(tokenizerJson, "tokenizer.json"), options);
    }

    /// <summary>
    /// Loads the tokenizer of a Hugging Face model directory: tokenizer.json when present,
    /// otherwise vocab.json with merges.txt.
    /// </summary>
    /// <param name="directory">The model directory.</param>
    /// <param name="options">Loading settings; default <see langword="null"/> means the GPT-2 defaults.</param>
    /// <exception cref="FileNotFoundException">The directory holds neither tokenizer.json nor vocab.json and merges.txt.</exception>
    public static ByteLevelBpeTokenizer FromDirectory(string directory, ByteLevelBpeTokenizerOptions? options = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(directory);
        string tokenizerJson = Path.Combine(directory, "tokenizer.json");
        if (File.Exists(tokenizerJson))
        {
            return FromTokenizerJson(tokenizerJson, options);
        }

        string vocab = Path.Combine(directory, "vocab.json");
        string merges = Path.Combine(directory, "merges.txt");
        if (File.Exists(vocab) && File.Exists(merges))
        {
            return FromFiles(vocab, merges, options);
        }

        throw new FileNotFoundException(
            $"'{directory}' holds neither tokenizer.json nor both vocab.json and merges.txt.", tokenizerJson);
    }

    private static ByteLevelBpeTokenizer Create(
        Dictionary<string, int> vocabulary, string vocabSource, TextReader merges, string mergesSource, ByteLevelBpeTokenizerOptions? options) =>
        Create(new TokenizerFileContent(vocabulary, vocabSource, MergesTxtReader.Read(merges, mergesSource), mergesSource, []), options);

    private static ByteLevelBpeTokenizer Create(TokenizerFileContent content, ByteLevelBpeTokenizerOptions? options)
    {
        options ??= new ByteLevelBpeTokenizerOptions();
        return new ByteLevelBpeTokenizer(ByteLevelBpeModel.Build(content, options), options);
    }
}
