using Relax.Similarity;

namespace Relax;

/// <summary>
/// Settings of a RELAX run. Every property is checked when it is set, so an invalid value fails where it is
/// written, with the accepted range in the message.
/// </summary>
public sealed record RelaxOptions
{
    private readonly int _maskCount = 2000;
    private readonly int _batchSize = 64;
    private readonly MaskReplacement _replacement = MaskReplacement.Mean;
    private readonly ISimilarity _similarity = CosineSimilarity.Instance;
    private readonly SaliencyNormalization _normalization = SaliencyNormalization.MaskWeight;

    /// <summary>Number of masks N (the maximum when <see cref="Convergence"/> is set); at least 1. Default 2000.</summary>
    public int MaskCount
    {
        get => _maskCount;
        init => _maskCount = value >= 1
            ? value
            : throw new ArgumentOutOfRangeException(nameof(MaskCount), value, "RELAX needs at least 1 mask.");
    }

    /// <summary>Masks embedded per forward pass; at least 1. Default 64 (the CPU's; see <see cref="DefaultBatchSize"/>).
    /// A speed setting only: masks and convergence checks do not depend on it, so maps agree to float rounding
    /// whatever the batch.</summary>
    public int BatchSize
    {
        get => _batchSize;
        init => _batchSize = value >= 1
            ? value
            : throw new ArgumentOutOfRangeException(nameof(BatchSize), value, "The batch size must be at least 1.");
    }

    /// <summary>Seed of the mask generator; the same seed gives the same masks and result on the same device.</summary>
    public long Seed { get; init; }

    /// <summary>What masked cells are replaced with. Default: the input's mean.</summary>
    public MaskReplacement Replacement
    {
        get => _replacement;
        init => _replacement = value ?? throw new ArgumentNullException(nameof(Replacement));
    }

    /// <summary>How masked embeddings are compared with the unmasked one. Default: cosine similarity.</summary>
    public ISimilarity Similarity
    {
        get => _similarity;
        init => _similarity = value ?? throw new ArgumentNullException(nameof(Similarity));
    }

    /// <summary>How the estimator that <see cref="RelaxExplainer"/> creates normalises the accumulated similarity. Default:
    /// <see cref="SaliencyNormalization.MaskWeight"/>. An estimator passed to
    /// <see cref="RelaxExplainer.Explain(TorchSharp.torch.Tensor, ISaliencyEstimator, IProgress{RelaxProgress}?, CancellationToken)"/>
    /// brings its own (<see cref="ISaliencyEstimator.Normalization"/>), and the result reports that one.</summary>
    public SaliencyNormalization Normalization
    {
        get => _normalization;
        init => _normalization = Enum.IsDefined(value)
            ? value
            : throw new ArgumentOutOfRangeException(nameof(Normalization), value, "Use MaskWeight or MaskCount.");
    }

    /// <summary>Early stopping; null (the default) draws exactly <see cref="MaskCount"/> masks.</summary>
    public ConvergenceOptions? Convergence { get; init; }

    /// <summary>A batch size that keeps <paramref name="device"/> busy: 64 on a CPU (measured fastest there, see
    /// docs/performance.md), 512 on a GPU (a GPU needs large batches to fill; 512 VGGish examples need about 2 GiB of
    /// activations in float32).</summary>
    public static int DefaultBatchSize(TorchSharp.torch.Device device)
    {
        ArgumentNullException.ThrowIfNull(device);
        return device.type == TorchSharp.DeviceType.CPU ? 64 : 512;
    }

}
