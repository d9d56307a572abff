using static TorchSharp.torch;

namespace Relax.Masks;

/// <summary>
/// Time-frequency masks: the product of a time-band mask and a frequency-band mask, so a cell is kept
/// only when both its time band and its frequency band are kept. Each axis keeps its bands with
/// probability √p, so that the expected fraction of kept cells is p.
/// </summary>
public sealed class TimeFrequencyMasks : IMaskGenerator
{
    /// <summary>Creates the generator.</summary>
    /// <param name="timeBandWidth">Frames per time band, at least 1.</param>
    /// <param name="frequencyBandWidth">Bins per frequency band, at least 1.</param>
    /// <param name="keepProbability">Expected fraction of kept cells, strictly between 0 and 1.</param>
    public TimeFrequencyMasks(int timeBandWidth = 8, int frequencyBandWidth = 4, double keepProbability = 0.5)
    {
        TimeBandWidth = MaskArguments.Positive(timeBandWidth, nameof(timeBandWidth));
        FrequencyBandWidth = MaskArguments.Positive(frequencyBandWidth, nameof(frequencyBandWidth));
        KeepProbability = MaskArguments.Probability(keepProbability, nameof(keepProbability));
    }

    /// <summary>Frames per time band.</summary>
    public int TimeBandWidth { get; }

    /// <summary>Bins per frequency band.</summary>
    public int FrequencyBandWidth { get; }

    /// <summary>Expected fraction of kept cells.</summary>
    public double KeepProbability { get; }

    /// <inheritdoc />
    public string Name => "time-frequency";

    /// <inheritdoc />
    public Tensor Generate(int count, int height, int width, Generator generator, Device device)
    {
        MaskArguments.Request(count, height, width, generator, device);
        MaskArguments.FitsAxis(nameof(TimeFrequencyMasks), "a time band width", TimeBandWidth, "height (time)", height);
        MaskArguments.FitsAxis(nameof(TimeFrequencyMasks), "a frequency band width", FrequencyBandWidth, "width (frequency)", width);
        using var scope = NewDisposeScope();
        double axisKeep = Math.Sqrt(KeepProbability);
        var time = Bands.Draw(count, height, TimeBandWidth, axisKeep, generator, device).unsqueeze(2);
        var frequency = Bands.Draw(count, width, FrequencyBandWidth, axisKeep, generator, device).unsqueeze(1);
        return (time * frequency).MoveToOuterDisposeScope();
    }
}
