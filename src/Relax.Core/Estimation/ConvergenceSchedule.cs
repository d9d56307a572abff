namespace Relax.Estimation;

/// <summary>
/// When a RELAX run checks its convergence and when it stops: the first check after exactly
/// <see cref="ConvergenceOptions.MinMasks"/> masks, then one every <see cref="ConvergenceOptions.CheckEvery"/> masks,
/// never after the last mask; the run stops at the first check whose estimate reaches
/// <see cref="ConvergenceOptions.TargetCorrelation"/>. Batches end at check points, so checks fall on the same mask
/// counts, and a run stops after the same masks, whatever the batch size. Without options it never checks, and the
/// final estimate is NaN.
/// </summary>
internal sealed class ConvergenceSchedule
{
    private readonly ConvergenceOptions? _options;
    private readonly int _total;
    private long _nextCheck;

    public ConvergenceSchedule(ConvergenceOptions? options, int total)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(total, 1);
        _options = options;
        _total = total;
        _nextCheck = options is null ? long.MaxValue : options.MinMasks;
    }

    /// <summary>The latest estimated correlation with the converged map; NaN before the first check.</summary>
    public double Estimated { get; private set; } = double.NaN;

    /// <summary>True once a check reached the target.</summary>
    public bool StoppedEarly { get; private set; }

    /// <summary>How many masks may run from <paramref name="done"/> on before the next check or the end (at least 1
    /// while masks remain): the most the next batch may hold.</summary>
    public int MasksBeforeNextCheck(int done) => (int)(Math.Min(_total, _nextCheck) - done);

    /// <summary>Whether a check is due now that <paramref name="done"/> masks are done.</summary>
    public bool IsCheckDue(int done) => _options is not null && done >= _nextCheck && done < _total;

    /// <summary>Checks (computing the split-half correlation now) and returns true when the run should stop early;
    /// call when <see cref="IsCheckDue"/>.</summary>
    public bool Check(int done, Func<double> splitHalfCorrelation)
    {
        ArgumentNullException.ThrowIfNull(splitHalfCorrelation);
        if (!IsCheckDue(done))
        {
            return false;
        }
        Estimated = ConvergenceOptions.EstimatedCorrelation(splitHalfCorrelation());
        _nextCheck += _options!.CheckEvery;
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
