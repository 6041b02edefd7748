namespace Alignment.Models.Tests.Testing;

/// <summary>
/// Tests that read the global tensor-pool counters: xUnit runs this collection on its own, after the
/// parallel tests, so no other test allocates meanwhile.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class PoolCounting
{
    /// <summary>The collection name for <see cref="CollectionAttribute"/>.</summary>
    public const string Name = "Pool counting";
}
