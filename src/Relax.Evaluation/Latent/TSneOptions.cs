namespace Relax.Evaluation;

/// <summary>Settings of <see cref="TSne"/>, checked when set; the defaults are scikit-learn's.</summary>
public sealed record TSneOptions
{
    private readonly double _perplexity = 30;
    private readonly double _earlyExaggeration = 12;
    private readonly int _iterations = 1000;
    private readonly double? _learningRate;

    /// <summary>The effective number of neighbours each point's Gaussian spans; more than 0 (and below the number of
    /// points). Default 30.</summary>
    public double Perplexity
    {
        get => _perplexity;
        init => _perplexity = value > 0 && double.IsFinite(value) ? value : throw new ArgumentOutOfRangeException(nameof(Perplexity), value, "Use a perplexity above 0.");
    }

    /// <summary>Factor on the input affinities during the first 250 iterations; at least 1. Default 12.</summary>
    public double EarlyExaggeration
    {
        get => _earlyExaggeration;
        init => _earlyExaggeration = value >= 1 && double.IsFinite(value) ? value : throw new ArgumentOutOfRangeException(nameof(EarlyExaggeration), value, "Use 1 or more.");
    }

    /// <summary>Gradient steps, at least 250 (the exaggerated phase). Default 1000.</summary>
    public int Iterations
    {
        get => _iterations;
        init => _iterations = value >= 250 ? value : throw new ArgumentOutOfRangeException(nameof(Iterations), value, "Use at least 250 iterations.");
    }

    /// <summary>Step size; null for scikit-learn's "auto", max(N / early exaggeration / 4, 50).</summary>
    public double? LearningRate
    {
        get => _learningRate;
        init => _learningRate = value is null || (value > 0 && double.IsFinite(value.Value)) ? value : throw new ArgumentOutOfRangeException(nameof(LearningRate), value, "Use a positive step, or null for auto.");
    }
}
