using Relax.Similarity;

namespace Relax.Evaluation;

/// <summary>Settings of <see cref="PixelFlipping"/>, checked when set.</summary>
public sealed record PixelFlippingOptions
{
    private readonly double _stepFraction = 0.05;
    private readonly MaskReplacement _replacement = MaskReplacement.Mean;
    private readonly int _batchSize = 32;
    private readonly ISimilarity _similarity = CosineSimilarity.Instance;

    /// <summary>The smallest <see cref="StepFraction"/>: 1000 curve points (each a masked forward pass).</summary>
    public const double MinimumStepFraction = 0.001;

    /// <summary>Fraction of the cells removed per step, from <see cref="MinimumStepFraction"/> to 0.5; the curve has ⌈1/step⌉ + 1 points. Default 0.05.</summary>
    public double StepFraction
    {
        get => _stepFraction;
        init => _stepFraction = value >= MinimumStepFraction && value <= 0.5 ? value : throw new ArgumentOutOfRangeException(nameof(StepFraction), value, $"Use a fraction from {MinimumStepFraction} to 0.5 (at most 1000 curve points).");
    }

    /// <summary>What removed cells become: the input's mean (default), its minimum, or values from another input
    /// (<see cref="MaskReplacement.Custom"/>).</summary>
    public MaskReplacement Replacement
    {
        get => _replacement;
        init => _replacement = value ?? throw new ArgumentNullException(nameof(Replacement));
    }

    /// <summary>Curve points evaluated per forward pass, ≥ 1. Default 32.</summary>
    public int BatchSize
    {
        get => _batchSize;
        init => _batchSize = value >= 1 ? value : throw new ArgumentOutOfRangeException(nameof(BatchSize), value, "Must be at least 1.");
    }

    /// <summary>How each step's embedding is compared with the unmasked one. Default: cosine, as RELAX; pass the
    /// similarity the explainers used so that the metric judges them on their own terms.</summary>
    public ISimilarity Similarity
    {
        get => _similarity;
        init => _similarity = value ?? throw new ArgumentNullException(nameof(Similarity));
    }

    /// <summary>Seed of the random order, and of the tie-breaking among equally relevant cells.</summary>
    public long Seed { get; init; }
}
