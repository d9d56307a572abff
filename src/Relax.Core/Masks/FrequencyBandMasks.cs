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
    public Tensor Generate(int count, int height, int width, Generator generator, Device device)
    {
        MaskArguments.Request(count, height, width, generator, device);
        MaskArguments.FitsAxis(nameof(FrequencyBandMasks), "a band width", BandWidth, "width (frequency)", width);
        using var scope = NewDisposeScope();
        return Bands.Draw(count, width, BandWidth, KeepProbability, generator, device)
            .unsqueeze(1).expand(count, height, width).contiguous().MoveToOuterDisposeScope();
    }
}
