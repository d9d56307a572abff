using Relax.Classification;
using Relax.Masks;

namespace Relax.Attribution;

/// <summary>The attribution methods by name, built from one set of <see cref="AttributionSettings"/>, as
/// <see cref="MaskGenerators"/> does for masks. Every method that compares embeddings does so with the similarity of
/// <see cref="AttributionSettings.Relax"/>, so RELAX and the methods it is compared with measure the same thing; LRP
/// compares none (it propagates a linear target layer by layer, see <see cref="LrpAttribution"/>).</summary>
public static class AttributionMethods
{
    /// <summary>The names accepted by <see cref="Create"/>.</summary>
    public static IReadOnlyList<string> Names { get; } = ["relax", "u-relax", "occlusion", "gradient", "integrated-gradients", "rise", "lrp"];

    /// <summary>Creates a method: <c>relax</c> (<see cref="RelaxAttribution"/>), <c>u-relax</c> (its certainty-filtered
    /// map, <see cref="RelaxResult.URelax"/>, from a run with the same masks), <c>occlusion</c>, <c>gradient</c>,
    /// <c>integrated-gradients</c>, <c>rise</c> (needs <see cref="AttributionSettings.Head"/>) or <c>lrp</c> (needs
    /// <see cref="AttributionSettings.Lrp"/>; explains the head's logit when there is a head, else the projection onto
    /// the unmasked embedding: <see cref="LrpAttribution"/>).</summary>
    /// <param name="name">One of <see cref="Names"/>.</param>
    /// <param name="settings">The model and the methods' settings.</param>
    /// <exception cref="ArgumentException">Unknown name (the message lists the accepted ones), <c>rise</c> without a
    /// classifier head, or <c>lrp</c> without the network's layers or with a head that is not linear.</exception>
    public static IAttributionMethod Create(string name, AttributionSettings settings)
    {
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(settings);
        var similarity = settings.Relax.Similarity;
        return name switch
        {
            "relax" => new RelaxAttribution(new RelaxExplainer(settings.Embedder, settings.RelaxMasks, settings.Relax)),
            "u-relax" => new RelaxAttribution(new RelaxExplainer(settings.Embedder, settings.RelaxMasks, settings.Relax), certaintyFiltered: true),
            "occlusion" => new OcclusionAttribution(settings.Embedder, settings.OcclusionWindow.Frames, settings.OcclusionWindow.Bands,
                settings.OcclusionStride.Frames, settings.OcclusionStride.Bands, settings.Relax.Replacement, settings.Relax.BatchSize, similarity),
            "gradient" => new GradientAttribution(settings.Embedder, similarity: similarity),
            "integrated-gradients" => new IntegratedGradientsAttribution(settings.Embedder, settings.IntegratedGradientsSteps,
                settings.Relax.Replacement, Math.Min(settings.Relax.BatchSize, 32), similarity),
            "rise" => settings.Head is { } head
                ? new RiseAttribution(settings.Embedder, head, new RandomGridMasks(8, 0.5), settings.Relax)
                : throw new ArgumentException("rise explains a classifier's output, and no classifier head was given.", nameof(settings)),
            "lrp" => settings.Lrp is null
                ? throw new ArgumentException("lrp walks the network layer by layer, and no layers were given (AttributionSettings.Lrp).", nameof(settings))
                : settings.Head is null or ILinearEmbeddingClassifier
                    ? new LrpAttribution(settings.Lrp, settings.Head as ILinearEmbeddingClassifier, settings.LrpRules)
                    : throw new ArgumentException($"lrp explains a linear head's logit, and the head ({settings.Head.GetType().Name}) is not an ILinearEmbeddingClassifier.", nameof(settings)),
            _ => throw new ArgumentException($"Unknown attribution method '{name}'; use one of: {string.Join(", ", Names)}.", nameof(name)),
        };
    }
}

/// <summary>What <see cref="AttributionMethods.Create"/> builds methods from; checked when set.</summary>
public sealed record AttributionSettings
{
    private readonly IEmbedder _embedder = null!;
    private readonly IMaskGenerator _relaxMasks = new TimeFrequencyMasks(8, 4);
    private readonly RelaxOptions _relax = new();
    private readonly (int Frames, int Bands) _occlusionWindow = (12, 8);
    private readonly (int Frames, int Bands) _occlusionStride = (6, 4);
    private readonly int _integratedGradientsSteps = 32;
    private readonly LrpRules _lrpRules = new();

    /// <summary>Creates settings for a model.</summary>
    /// <param name="embedder">The representation model.</param>
    public AttributionSettings(IEmbedder embedder)
    {
        Embedder = embedder;
    }

    /// <summary>The representation model.</summary>
    public IEmbedder Embedder
    {
        get => _embedder;
        init => _embedder = value ?? throw new ArgumentNullException(nameof(Embedder));
    }

    /// <summary>A classifier on the embeddings, for <c>rise</c> (and the logit <c>lrp</c> explains); null when the
    /// model has none.</summary>
    public IEmbeddingClassifier? Head { get; init; }

    /// <summary>The network's layers, for <c>lrp</c> (it needs the layers, not only the embeddings); null when the
    /// model is not a VGG-pattern network.</summary>
    public LrpNetwork? Lrp { get; init; }

    /// <summary>The rules of <c>lrp</c>. Default <see cref="LrpRules"/>' defaults.</summary>
    public LrpRules LrpRules
    {
        get => _lrpRules;
        init => _lrpRules = value ?? throw new ArgumentNullException(nameof(LrpRules));
    }

    /// <summary>Masks of <c>relax</c>. Default: time-frequency bands of 8 frames × 4 mel bins.</summary>
    public IMaskGenerator RelaxMasks
    {
        get => _relaxMasks;
        init => _relaxMasks = value ?? throw new ArgumentNullException(nameof(RelaxMasks));
    }

    /// <summary>Mask count, batch size, seed, replacement and similarity of <c>relax</c> and <c>rise</c>; its batch size
    /// is also occlusion's (and Integrated Gradients', up to 32), its replacement occlusion's and Integrated Gradients'
    /// baseline (default mean; zero for a waveform model's STFT cells, where a removed cell is silenced), and its
    /// similarity is every method's.</summary>
    public RelaxOptions Relax
    {
        get => _relax;
        init => _relax = value ?? throw new ArgumentNullException(nameof(Relax));
    }

    /// <summary>Occlusion window in frames × bands, each ≥ 1. Default 12 × 8.</summary>
    public (int Frames, int Bands) OcclusionWindow
    {
        get => _occlusionWindow;
        init => _occlusionWindow = Positive(value, nameof(OcclusionWindow));
    }

    /// <summary>Occlusion stride in frames × bands, each ≥ 1. Default 6 × 4.</summary>
    public (int Frames, int Bands) OcclusionStride
    {
        get => _occlusionStride;
        init => _occlusionStride = Positive(value, nameof(OcclusionStride));
    }

    /// <summary>Integrated Gradients path points, ≥ 1. Default 32.</summary>
    public int IntegratedGradientsSteps
    {
        get => _integratedGradientsSteps;
        init => _integratedGradientsSteps = value >= 1 ? value : throw new ArgumentOutOfRangeException(nameof(IntegratedGradientsSteps), value, "Must be at least 1.");
    }

    private static (int Frames, int Bands) Positive((int Frames, int Bands) value, string name) =>
        value.Frames >= 1 && value.Bands >= 1 ? value : throw new ArgumentOutOfRangeException(name, value, "Frames and bands must be at least 1.");
}
