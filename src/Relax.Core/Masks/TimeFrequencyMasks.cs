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
    public Tensor Generate(MaskBatch batch, int height, int width, Device device)
    {
        MaskArguments.Request(height, width, device);
        MaskArguments.FitsAxis(nameof(TimeFrequencyMasks), "a time band width", TimeBandWidth, "height (time)", height);
        MaskArguments.FitsAxis(nameof(TimeFrequencyMasks), "a frequency band width", FrequencyBandWidth, "width (frequency)", width);
        using var scope = NewDisposeScope();
        double axisKeep = Math.Sqrt(KeepProbability);
        var time = HostUpload.ToDevice(Bands.Draw(batch, height, TimeBandWidth, axisKeep, MaskStreams.Time), [batch.Count, height, 1], device);
        var frequency = HostUpload.ToDevice(Bands.Draw(batch, width, FrequencyBandWidth, axisKeep, MaskStreams.Frequency), [batch.Count, 1, width], device);
        return (time.to(ScalarType.Float32) * frequency.to(ScalarType.Float32)).MoveToOuterDisposeScope();
    }
}
