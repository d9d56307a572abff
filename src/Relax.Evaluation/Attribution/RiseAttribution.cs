using Relax.Classification;
using static TorchSharp.torch;

namespace Relax.Attribution;

/// <summary>
/// RISE (Petsiuk et al., 2018) on a classifier head: the same masking loop as RELAX, but each masked input is scored
/// by the probability a classifier on its embedding gives the target class (by default the class predicted for the
/// unmasked input). Accumulation uses the explainer's estimator, so saliency is the mean probability where a cell was
/// kept (the mask-weight normalisation; RISE's original divides by N·p instead, which differs only by mask-count noise).
/// </summary>
public sealed class RiseAttribution : IAttributionMethod
{
    private readonly IEmbedder _embedder;
    private readonly IEmbeddingClassifier _classifier;
    private readonly IMaskGenerator _masks;
    private readonly RelaxOptions _options;

    /// <summary>Creates the method.</summary>
    /// <param name="embedder">The representation model.</param>
    /// <param name="classifier">The classifier on its embeddings.</param>
    /// <param name="masks">The mask generator (RISE uses random grids).</param>
    /// <param name="options">Mask count, batch size, seed, replacement; the similarity setting is replaced.</param>
    /// <param name="targetClass">The class to explain; null explains the class predicted for the unmasked input.</param>
    public RiseAttribution(IEmbedder embedder, IEmbeddingClassifier classifier, IMaskGenerator masks, RelaxOptions? options = null, int? targetClass = null)
    {
        _embedder = embedder ?? throw new ArgumentNullException(nameof(embedder));
        _classifier = classifier ?? throw new ArgumentNullException(nameof(classifier));
        _masks = masks ?? throw new ArgumentNullException(nameof(masks));
        _options = options ?? new RelaxOptions();
        if (targetClass is { } t && (t < 0 || t >= classifier.Classes))
        {
            throw new ArgumentOutOfRangeException(nameof(targetClass), t, $"The classifier has {classifier.Classes} classes.");
        }
        TargetClass = targetClass;
    }

    /// <summary>The explained class, or null for the predicted one.</summary>
    public int? TargetClass { get; }

    /// <inheritdoc />
    public string Name => "rise";

    /// <inheritdoc />
    public float[,] Attribute(Tensor input, CancellationToken cancellationToken = default)
    {
        int target;
        using (no_grad())
        using (var x = InputShape.Prepare(input, _embedder.Device, out _, out _))
        using (var e = _embedder.Embed(x))
        using (var p = _classifier.Probabilities(e))
        {
            target = TargetClass ?? (int)p[0].argmax().item<long>();
        }
        var options = _options with { Similarity = new ClassProbability(_classifier, target) };
        return new RelaxExplainer(_embedder, _masks, options).Explain(input, null, cancellationToken).Saliency;
    }

    /// <summary>Scores masked embeddings by one class's probability (the reference embedding is not used).</summary>
    private sealed class ClassProbability(IEmbeddingClassifier classifier, int target) : ISimilarity
    {
        public string Name => $"p(class {target})";

        public Tensor Score(Tensor reference, Tensor embeddings)
        {
            using var p = classifier.Probabilities(embeddings);
            return p[.., target].to(ScalarType.Float32);
        }
    }
}
