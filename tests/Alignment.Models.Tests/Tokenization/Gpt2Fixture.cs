using Alignment.Models.Tokenization;

namespace Alignment.Models.Tests.Tokenization;

/// <summary>The GPT-2 tokenizer loaded once from the copied fixtures.</summary>
internal static class Gpt2Fixture
{
    private static readonly Lazy<ByteLevelBpeTokenizer> Shared = new(() => Load());

    public static string Directory => Path.Combine(AppContext.BaseDirectory, "Fixtures");

    public static string VocabPath => Path.Combine(Directory, "gpt2-vocab.json");

    public static string MergesPath => Path.Combine(Directory, "gpt2-merges.txt");

    public static string CasesPath => Path.Combine(Directory, "gpt2-tokenizer-cases.json");

    public static ByteLevelBpeTokenizer Tokenizer => Shared.Value;

    public static ByteLevelBpeTokenizer Load(ByteLevelBpeTokenizerOptions? options = null) =>
        ByteLevelBpeTokenizer.FromFiles(VocabPath, MergesPath, options);
}
