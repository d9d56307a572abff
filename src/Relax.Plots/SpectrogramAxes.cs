using Relax.Audio;
using Relax.Waveform;

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

    /// <summary>The axes of a model's examples: over STFT cells for a waveform model (<paramref name="cells"/>), its own
    /// analysis's for a log-mel model with other preprocessing (<paramref name="logMel"/>), else <see cref="VGGish"/>.</summary>
    public static SpectrogramAxes Of(StftCells? cells, LogMelSpectrogram? logMel) =>
        cells is not null ? Stft(cells) : logMel is not null ? LogMel(logMel) : VGGish;

    /// <summary>The axes of a log-mel example of another analysis than VGGish's (an exported model's card): frames every
    /// hop at its rate, the centres of its mel bands in Hz.</summary>
    public static SpectrogramAxes LogMel(LogMelSpectrogram analysis)
    {
        ArgumentNullException.ThrowIfNull(analysis);
        return new() { FrameSeconds = analysis.HopSamples / (double)analysis.SampleRate, BandCentresHz = analysis.Filterbank.CentreHertz };
    }

    /// <summary>The axes of a map over the STFT cells a waveform model is explained over (<see cref="StftCells"/>):
    /// frames every hop, the bins' frequencies in Hz; the input drawn under them is the power spectrogram in dB.</summary>
    public static SpectrogramAxes Stft(StftCells cells)
    {
        ArgumentNullException.ThrowIfNull(cells);
        return new()
        {
            FrameSeconds = cells.HopSamples / (double)cells.SampleRate,
            BandCentresHz = Enumerable.Range(0, cells.Bins).Select(cells.BinHz).ToArray(),
            FrequencyLabel = "Frequency (Hz)",
            InputName = "spectrogram",
            InputUnit = "dB",
        };
    }

    /// <summary>The frequency axis's label when <see cref="BandCentresHz"/> is given: <c>Frequency (Hz, mel-spaced)</c>
    /// (default), or <c>Frequency (Hz)</c> for linearly spaced bins.</summary>
    public string FrequencyLabel { get; init; } = "Frequency (Hz, mel-spaced)";

    /// <summary>What the maps are drawn on, in titles and panel names: <c>log-mel</c> (default) or <c>spectrogram</c>.</summary>
    public string InputName { get; init; } = "log-mel";

    /// <summary>The unit of the input's values, on its colour bar: <c>log mel</c> (default) or <c>dB</c>.</summary>
    public string InputUnit { get; init; } = "log mel";

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
