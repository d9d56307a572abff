namespace Relax.Evaluation;

/// <summary>Settings of <see cref="TSne"/>, checked when set; the defaults are scikit-learn's.</summary>
public sealed record TSneOptions
{
    private readonly double _perplexity = 30;
    private readonly double _earlyExaggeration = 12;
    private readonly int _iterations = 1000;
    private readonly double? _learningRate;
    private readonly TSneMethod _method;
    private readonly double _angle = 0.5;

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

    /// <summary>Exact or Barnes–Hut; <see cref="TSneMethod.Auto"/> (default) maps up to <see cref="TSne.ExactLimit"/>
    /// points exactly and more with Barnes–Hut.</summary>
    public TSneMethod Method
    {
        get => _method;
        init => _method = Enum.IsDefined(value) ? value : throw new ArgumentOutOfRangeException(nameof(Method), value, "Use Auto, Exact or BarnesHut.");
    }

    /// <summary>Barnes–Hut's angle θ: a cell whose width over its distance is below θ acts as one point; 0 to 1, 0
    /// being exact and slow. Default 0.5, scikit-learn's.</summary>
    public double Angle
    {
        get => _angle;
        init => _angle = value is >= 0 and <= 1 ? value : throw new ArgumentOutOfRangeException(nameof(Angle), value, "Use an angle from 0 to 1.");
    }

    /// <summary>Step size; null for scikit-learn's "auto", max(N / early exaggeration / 4, 50).</summary>
    public double? LearningRate
    {
        get => _learningRate;
        init => _learningRate = value is null || (value > 0 && double.IsFinite(value.Value)) ? value : throw new ArgumentOutOfRangeException(nameof(LearningRate), value, "Use a positive step, or null for auto.");
    }
}

/// <summary>How <see cref="TSne"/> computes a map.</summary>
public enum TSneMethod
{
    /// <summary>Exact up to <see cref="TSne.ExactLimit"/> points, Barnes–Hut above.</summary>
    Auto,

    /// <summary>Every pair: O(N²) memory and time per iteration (scikit-learn's <c>method="exact"</c>).</summary>
    Exact,

    /// <summary>Nearest-neighbour affinities and a quadtree: O(N·k) memory, O(N log N) per iteration (scikit-learn's
    /// <c>method="barnes_hut"</c>).</summary>
    BarnesHut,
}
