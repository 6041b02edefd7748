namespace Alignment.Kernels;

/// <summary>How B is stored for a small-M product (<see cref="GemmSmallM"/>).</summary>
internal enum GemmBLayout
{
    /// <summary>Float32 rows <see cref="GemmArgs.Ldb"/> apart, [k,n] or, for op(B) = Bᵀ, [n,k].</summary>
    Plain,

    /// <summary>Bᵀ [n,k] as float32 in the <see cref="GemmRowTriples"/> layout (op(B) = Bᵀ, Ldb = kp).</summary>
    RowTriples,

    /// <summary>
    /// Bᵀ [n,k] as bfloat16 in the <see cref="GemmRowTriples"/> layout (op(B) = Bᵀ, Ldb = kp; <see cref="GemmArgs.B"/> holds
    /// the address of the bfloat16 values).
    /// </summary>
    RowTriplesBFloat16,
}
