namespace Relax.Synthetic;

/// <summary>A generated clip, its class, and where its class evidence lies.</summary>
/// <param name="Samples">Mono samples in [−1, 1].</param>
/// <param name="SampleRate">Samples per second.</param>
/// <param name="Label">The class.</param>
/// <param name="Evidence">The time-frequency regions that carry the class's sound; everything else is background noise.</param>
public sealed record SyntheticClip(float[] Samples, int SampleRate, AnimalClass Label, IReadOnlyList<TimeFrequencyRegion> Evidence)
{
    /// <summary>Duration in seconds.</summary>
    public double DurationSeconds => (double)Samples.Length / SampleRate;

    /// <summary>Whether a point of the time-frequency plane carries class evidence.</summary>
    public bool IsEvidence(double seconds, double hz) => Evidence.Any(r => r.Contains(seconds, hz));
}
