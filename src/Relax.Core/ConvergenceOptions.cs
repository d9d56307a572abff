namespace Relax;

/// <summary>
/// Early stopping for RELAX: every <see cref="CheckEvery"/> masks the explainer compares the saliency maps of
/// the even- and the odd-numbered masks. Their correlation r gives, by the Spearman–Brown formula, the
/// reliability ρ = 2r / (1 + r) of the map from all masks, and √ρ estimates its correlation with the map that
/// infinitely many masks would give. The run stops once that estimate reaches <see cref="TargetCorrelation"/>.
/// </summary>
public sealed record ConvergenceOptions
{
    private readonly double _targetCorrelation = 0.99;
    private readonly int _checkEvery = 256;
    private readonly int _minMasks = 512;

    /// <summary>Estimated correlation with the converged map at which to stop; in (0, 1). Default 0.99.</summary>
    public double TargetCorrelation
    {
        get => _targetCorrelation;
        init => _targetCorrelation = value > 0 && value < 1
            ? value
            : throw new ArgumentOutOfRangeException(nameof(TargetCorrelation), value, "The target correlation must lie strictly between 0 and 1.");
    }

    /// <summary>Masks between checks (batches end at check points, so checks fall on the same mask counts whatever the
    /// batch size); at least 2. Default 256.</summary>
    public int CheckEvery
    {
        get => _checkEvery;
        init => _checkEvery = value >= 2
            ? value
            : throw new ArgumentOutOfRangeException(nameof(CheckEvery), value, "Checks need at least 2 masks between them.");
    }

    /// <summary>Masks always drawn before the first check; at least 2. Default 512.</summary>
    public int MinMasks
    {
        get => _minMasks;
        init => _minMasks = value >= 2
            ? value
            : throw new ArgumentOutOfRangeException(nameof(MinMasks), value, "At least 2 masks are needed before a split-half check.");
    }

    /// <summary>Estimated correlation with the converged map, from a split-half correlation r.</summary>
    /// <param name="splitHalfCorrelation">Correlation between the maps of two disjoint halves of the masks.</param>
    /// <returns>√(2r / (1 + r)) for r &gt; 0, else 0; NaN stays NaN.</returns>
    public static double EstimatedCorrelation(double splitHalfCorrelation)
    {
        if (double.IsNaN(splitHalfCorrelation))
        {
            return double.NaN;
        }
        double r = Math.Min(splitHalfCorrelation, 1.0);
        return r <= 0 ? 0 : Math.Sqrt(2 * r / (1 + r));
    }
}
