using static TorchSharp.torch;

namespace Relax.Masks;

/// <summary>
/// Structured masks along frequency (the input's columns): contiguous bands of mel bins are kept or
/// replaced over the whole example, as in the study's frequency masks.
/// </summary>
public sealed class FrequencyBandMasks : IMaskGenerator
{
    /// <summary>Creates the generator.</summary>
    /// <param name="bandWidth">Bins per band, at least 1 (VGGish has 64 mel bands).</param>
    /// <param name="keepProbability">Probability that a band is kept, strictly between 0 and 1.</param>
    public FrequencyBandMasks(int bandWidth = 4, double keepProbability = 0.5)
    {
        BandWidth = MaskArguments.Positive(bandWidth, nameof(bandWidth));
        KeepProbability = MaskArguments.Probability(keepProbability, nameof(keepProbability));
    }

    /// <summary>Bins per band.</summary>
    public int BandWidth { get; }

    /// <summary>Probability that a band is kept.</summary>
    public double KeepProbability { get; }

    /// <inheritdoc />
    public string Name => "frequency";

    /// <inheritdoc />
    public Tensor Generate(MaskBatch batch, int height, int width, Device device)
    {
        MaskArguments.Request(height, width, device);
        MaskArguments.FitsAxis(nameof(FrequencyBandMasks), "a band width", BandWidth, "width (frequency)", width);
        using var scope = NewDisposeScope();
        var frequency = HostUpload.ToDevice(Bands.Draw(batch, width, BandWidth, KeepProbability, MaskStreams.Frequency), [batch.Count, 1, width], device);
        return frequency.to(ScalarType.Float32).expand(batch.Count, height, width).contiguous().MoveToOuterDisposeScope();
    }
}
