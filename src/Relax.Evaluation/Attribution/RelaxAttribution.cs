using static TorchSharp.torch;

namespace Relax.Attribution;

/// <summary>RELAX saliency as an <see cref="IAttributionMethod"/>.</summary>
/// <param name="explainer">The configured explainer.</param>
public sealed class RelaxAttribution(RelaxExplainer explainer) : IAttributionMethod
{
    private readonly RelaxExplainer _explainer = explainer ?? throw new ArgumentNullException(nameof(explainer));

    /// <inheritdoc />
    public string Name => $"relax-{_explainer.Masks.Name}";

    /// <inheritdoc />
    public float[,] Attribute(Tensor input, CancellationToken cancellationToken = default) =>
        _explainer.Explain(input, null, cancellationToken).Saliency;
}
