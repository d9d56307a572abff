namespace Relax.Masks;

/// <summary>The mask generators by name, with defaults sized for VGGish examples (96 frames × 64 mel bands).</summary>
public static class MaskGenerators
{
    /// <summary>The names accepted by <see cref="Create"/>.</summary>
    public static IReadOnlyList<string> Names { get; } = ["random-grid", "pixel", "time", "frequency", "time-frequency"];

    /// <summary>Creates a generator:
    /// <c>random-grid</c> (8 × 8 grid, as RISE/RELAX), <c>pixel</c> (independent cells), <c>time</c> (bands of 8 frames,
    /// 80 ms), <c>frequency</c> (bands of 4 mel bins), <c>time-frequency</c> (their product); each keeps a fraction p.</summary>
    /// <param name="name">One of <see cref="Names"/>.</param>
    /// <param name="keepProbability">Fraction of cells (or bands) kept, strictly between 0 and 1.</param>
    /// <exception cref="ArgumentException">Unknown name; the message lists the accepted ones.</exception>
    public static IMaskGenerator Create(string name, double keepProbability = 0.5) => name switch
    {
        "random-grid" => new RandomGridMasks(8, keepProbability),
        "pixel" => new BernoulliPixelMasks(keepProbability),
        "time" => new TimeBandMasks(8, keepProbability),
        "frequency" => new FrequencyBandMasks(4, keepProbability),
        "time-frequency" => new TimeFrequencyMasks(8, 4, keepProbability),
        _ => throw new ArgumentException($"Unknown mask kind '{name}'; use one of: {string.Join(", ", Names)}.", nameof(name)),
    };
}
