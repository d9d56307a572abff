using static TorchSharp.torch;

namespace Relax.Masks;

/// <summary>
/// Structured masks along time (the input's rows): contiguous bands of frames are kept or replaced
/// across all frequencies, as in the study's time masks.
/// </summary>
public sealed class TimeBandMasks : IMaskGenerator
{
    /// <summary>Creates the generator.</summary>
    /// <param name="bandWidth">Frames per band, at least 1 (VGGish: 96 frames of 10 ms per example).</param>
    /// <param name="keepProbability">Probability that a band is kept, strictly between 0 and 1.</param>
    public TimeBandMasks(int bandWidth = 8, double keepProbability = 0.5)
    {
        BandWidth = MaskArguments.Positive(bandWidth, nameof(bandWidth));
        KeepProbability = MaskArguments.Probability(keepProbability, nameof(keepProbability));
    }

    /// <summary>Frames per band.</summary>
    public int BandWidth { get; }

    /// <summary>Probability that a band is kept.</summary>
    public double KeepProbability { get; }

    /// <inheritdoc />
    public string Name => "time";

    /// <inheritdoc />
    public Tensor Generate(MaskBatch batch, int height, int width, Device device)
    {
        MaskArguments.Request(height, width, device);
        MaskArguments.FitsAxis(nameof(TimeBandMasks), "a band width", BandWidth, "height (time)", height);
        using var scope = NewDisposeScope();
        var time = HostUpload.ToDevice(Bands.Draw(batch, height, BandWidth, KeepProbability, MaskStreams.Time), [batch.Count, height, 1], device);
        return time.to(ScalarType.Float32).expand(batch.Count, height, width).contiguous().MoveToOuterDisposeScope();
    }
}
