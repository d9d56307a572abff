using static TorchSharp.torch;

namespace Relax.Attribution;

/// <summary>
/// An explainer that assigns each input cell a relevance: higher means more important to the model's output.
/// RELAX and the comparison methods (occlusion, gradients, RISE) all implement it, so they run on the same inputs.
/// </summary>
public interface IAttributionMethod
{
    /// <summary>A short, stable name for reports (for example <c>relax</c>, <c>occlusion</c>).</summary>
    string Name { get; }

    /// <summary>Computes the attribution map of one input (H, W), (1, H, W) or (1, 1, H, W).</summary>
    /// <returns>A map (H, W).</returns>
    float[,] Attribute(Tensor input, CancellationToken cancellationToken = default);
}
