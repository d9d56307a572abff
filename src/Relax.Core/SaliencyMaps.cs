using static TorchSharp.torch;

namespace Relax;

/// <summary>Saliency, uncertainty and mask-weight maps as float64 tensors of shape (H, W).</summary>
/// <param name="Saliency">Per-cell importance R.</param>
/// <param name="Uncertainty">Per-cell uncertainty U (variance of the similarity where the cell was kept).</param>
/// <param name="MaskWeight">Per-cell total mask weight Σₙ Mᵢⱼ(n): how much evidence each cell has.</param>
public sealed record SaliencyMaps(Tensor Saliency, Tensor Uncertainty, Tensor MaskWeight) : IDisposable
{
    /// <inheritdoc />
    public void Dispose()
    {
        Saliency.Dispose();
        Uncertainty.Dispose();
        MaskWeight.Dispose();
    }
}
