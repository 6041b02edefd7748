namespace Alignment.Kernels;

/// <summary>How B is stored for a small-M product (<see cref="GemmSmallM"/>).</summary>
internal enum GemmBLayout
{
    /// <summary>Float32 rows <see cref="GemmArgs.Ldb"/> apart, [k,n] or, for op(B) = Bᵀ, [n,k].</summary>
    Plain,

    /// <summary>B [k,n] as float32 in the <see cref="GemmColumnPanels"/> layout (op(B) = B).</summary>
    ColumnPanels,

    /// <summary>
    /// B [k,n] as bfloat16 in the <see cref="GemmColumnPanels"/> layout (op(B) = B; <see cref="GemmArgs.B"/> holds the
    /// address of the bfloat16 values).
    /// </summary>
    ColumnPanelsBFloat16,
}
