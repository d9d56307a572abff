using static TorchSharp.torch;

namespace Relax.Attribution;

/// <summary>RELAX saliency as an <see cref="IAttributionMethod"/>, or its certainty-filtered form U-RELAX
/// (<see cref="RelaxResult.URelax"/>).</summary>
/// <param name="explainer">The configured explainer.</param>
/// <param name="certaintyFiltered">U-RELAX (saliency where the uncertainty is at most its median, else 0) instead of
/// the saliency.</param>
public sealed class RelaxAttribution(RelaxExplainer explainer, bool certaintyFiltered = false) : IAttributionMethod
{
    private readonly RelaxExplainer _explainer = explainer ?? throw new ArgumentNullException(nameof(explainer));

    /// <inheritdoc />
    public string Name => $"{(certaintyFiltered ? "u-relax" : "relax")}-{_explainer.Masks.Name}";

    /// <inheritdoc />
    public float[,] Attribute(Tensor input, CancellationToken cancellationToken = default)
    {
        var result = _explainer.Explain(input, null, cancellationToken);
        return certaintyFiltered ? result.URelax : result.Saliency;
    }
}
