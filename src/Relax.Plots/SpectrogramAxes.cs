using Relax.Audio;

namespace Relax.Plots;

/// <summary>
/// How the cells of a (frames × bands) map translate into time and frequency, so that every figure of one example
/// shares the same axes.
/// </summary>
public sealed record SpectrogramAxes
{
    private readonly double _frameSeconds = 0.010;
    private readonly IReadOnlyList<double>? _bandCentresHz;

    /// <summary>The axes of a VGGish log-mel example: 10 ms frames (<see cref="VGGishLogMel.HopLength"/> at
    /// <see cref="VGGishLogMel.SampleRate"/>) and the centres of VGGish's 64 mel bands in Hz.</summary>
    public static SpectrogramAxes VGGish { get; } = new()
    {
        FrameSeconds = VGGishLogMel.HopLength / (double)VGGishLogMel.SampleRate,
        BandCentresHz = MelFilterbank.VGGish.CentreHertz,
    };

    /// <summary>Seconds between frames (VGGish: 10 ms). Must be positive and finite.</summary>
    public double FrameSeconds
    {
        get => _frameSeconds;
        init => _frameSeconds = value > 0 && double.IsFinite(value)
            ? value
            : throw new ArgumentOutOfRangeException(nameof(FrameSeconds), value, "The frame step must be a positive number of seconds.");
    }

    /// <summary>Time of the first frame, in seconds (for example the example's offset in the clip).</summary>
    public double StartSeconds { get; init; }

    /// <summary>Centre frequency of each band in Hz, ascending; when given, the frequency axis is labelled in Hz.</summary>
    public IReadOnlyList<double>? BandCentresHz
    {
        get => _bandCentresHz;
        init
        {
            if (value is not null)
            {
                for (int i = 1; i < value.Count; i++)
                {
                    if (!(value[i] > value[i - 1]))
                    {
                        throw new ArgumentException("Band centre frequencies must be finite and strictly ascending.", nameof(BandCentresHz));
                    }
                }
            }
            _bandCentresHz = value;
        }
    }
}
