namespace Alignment.Models.Tokenization.Bpe;

/// <summary>The outcome of merging an adjacent pair of symbols.</summary>
/// <param name="Rank">The priority of the merge: lower ranks merge first.</param>
/// <param name="Result">The id of the merged symbol.</param>
internal readonly record struct BpeMerge(int Rank, int Result);
