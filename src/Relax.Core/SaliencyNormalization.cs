namespace Relax;

/// <summary>How accumulated similarity is normalised into saliency.</summary>
public enum SaliencyNormalization
{
    /// <summary>
    /// Divide by each cell's mask weight Σₙ Mᵢⱼ(n), as the RELAX reference implementation does:
    /// Rᵢⱼ is the mean similarity over the masks that kept cell (i, j), and Uᵢⱼ its (weighted) variance.
    /// The default: with similarities that vary little (VGGish, N = 2000), two independent runs agree at
    /// r ≈ 0.91, against r ≈ 0.08 for <see cref="MaskCount"/>, whose maps are dominated by how often each
    /// cell happened to be kept.
    /// </summary>
    MaskWeight = 0,

    /// <summary>
    /// Divide by the number of masks N, exactly as written in the RELAX paper:
    /// Rᵢⱼ = (1/N) Σₙ sₙ Mᵢⱼ(n) and Uᵢⱼ = (1/N) Σₙ (sₙ − Rᵢⱼ)² Mᵢⱼ(n).
    /// </summary>
    MaskCount = 1,
}
