namespace Relax.Synthetic;

/// <summary>A rectangle of the time-frequency plane where a generated sound put its class evidence.</summary>
/// <param name="StartSeconds">Start time, seconds from the clip's start.</param>
/// <param name="EndSeconds">End time, seconds; greater than <paramref name="StartSeconds"/>.</param>
/// <param name="LowHz">Lowest frequency with evidence, Hz.</param>
/// <param name="HighHz">Highest frequency with evidence, Hz; greater than <paramref name="LowHz"/>.</param>
public readonly record struct TimeFrequencyRegion(double StartSeconds, double EndSeconds, double LowHz, double HighHz)
{
    /// <summary>Whether a point of the plane lies in the region (edges included).</summary>
    public bool Contains(double seconds, double hz) =>
        seconds >= StartSeconds && seconds <= EndSeconds && hz >= LowHz && hz <= HighHz;
}
