namespace Relax.Estimation;

/// <summary>
/// When a RELAX run checks its convergence and when it stops: the first check after
/// <see cref="ConvergenceOptions.MinMasks"/> masks, then one every <see cref="ConvergenceOptions.CheckEvery"/> masks
/// rounded up to whole batches, never after the last batch; the run stops at the first check whose estimate reaches
/// <see cref="ConvergenceOptions.TargetCorrelation"/>. Without options it never checks, and the final estimate is NaN.
/// </summary>
internal sealed class ConvergenceSchedule
{
    private readonly ConvergenceOptions? _options;
    private readonly int _total;
    private readonly int _checkEvery;
    private int _nextCheck;

    public ConvergenceSchedule(ConvergenceOptions? options, int batchSize, int total)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(batchSize, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(total, 1);
        _options = options;
        _total = total;
        _checkEvery = options is null ? int.MaxValue : Math.Max(batchSize, (options.CheckEvery + batchSize - 1) / batchSize * batchSize);
        _nextCheck = options is null ? int.MaxValue : Math.Max(options.MinMasks, _checkEvery);
    }

    /// <summary>The latest estimated correlation with the converged map; NaN before the first check.</summary>
    public double Estimated { get; private set; } = double.NaN;

    /// <summary>True once a check reached the target.</summary>
    public bool StoppedEarly { get; private set; }

    /// <summary>Called after each batch with the masks done so far; checks when one is due (computing the split-half
    /// correlation only then) and returns true when the run should stop early.</summary>
    public bool AfterBatch(int done, Func<double> splitHalfCorrelation)
    {
        ArgumentNullException.ThrowIfNull(splitHalfCorrelation);
        if (_options is null || done < _nextCheck || done >= _total)
        {
            return false;
        }
        Estimated = ConvergenceOptions.EstimatedCorrelation(splitHalfCorrelation());
        _nextCheck += _checkEvery;
        StoppedEarly = Estimated >= _options.TargetCorrelation;
        return StoppedEarly;
    }

    /// <summary>Called once after the last batch: a run that did not stop early gets a final estimate over all its
    /// masks (when convergence is on).</summary>
    public void Finish(Func<double> splitHalfCorrelation)
    {
        ArgumentNullException.ThrowIfNull(splitHalfCorrelation);
        if (_options is not null && !StoppedEarly)
        {
            Estimated = ConvergenceOptions.EstimatedCorrelation(splitHalfCorrelation());
        }
    }
}
