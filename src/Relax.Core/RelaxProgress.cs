namespace Relax;

/// <summary>Progress of a RELAX run, reported after every batch.</summary>
/// <param name="MasksDone">Masks embedded so far.</param>
/// <param name="MasksTotal">Masks planned (the maximum when early stopping is on).</param>
/// <param name="Elapsed">Time since the run started.</param>
/// <param name="EstimatedCorrelation">The latest convergence estimate (see <see cref="ConvergenceOptions"/>), or NaN.</param>
public readonly record struct RelaxProgress(int MasksDone, int MasksTotal, TimeSpan Elapsed, double EstimatedCorrelation)
{
    /// <summary>Masks per second so far.</summary>
    public double MasksPerSecond => Elapsed.TotalSeconds > 0 ? MasksDone / Elapsed.TotalSeconds : 0;

    /// <summary>Fraction of the planned masks done, in [0, 1].</summary>
    public double Fraction => MasksTotal > 0 ? (double)MasksDone / MasksTotal : 0;

    /// <summary>Estimated time left at the current rate, for the planned number of masks.</summary>
    public TimeSpan Remaining => MasksPerSecond > 0 ? TimeSpan.FromSeconds((MasksTotal - MasksDone) / MasksPerSecond) : TimeSpan.Zero;
}
