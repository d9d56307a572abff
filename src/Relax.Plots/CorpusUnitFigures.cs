using System.Globalization;
using Relax.Audio;
using Relax.Runs;
using Relax.Waveform;

namespace Relax.Plots;

/// <summary>What <see cref="CorpusUnitFigures"/> writes for each unit, checked when set.</summary>
public sealed record CorpusUnitFigureOptions
{
    private readonly double _evidenceFraction = 0.2;

    /// <summary>The per-unit PNG figures (saliency, uncertainty, U-RELAX, the four-panel explanation; the example's
    /// log-mel once per example). Default true. The report's thumbnail is written either way.</summary>
    public bool Figures { get; init; } = true;

    /// <summary>The evidence as sound: <c>evidence.wav</c> (only the most salient cells kept) and
    /// <c>without-evidence.wav</c> (those removed), 16 kHz; they sum to the example's audio. Default false.</summary>
    public bool Audio { get; init; }

    /// <summary>For a waveform model, the STFT its maps are over (<see cref="CorpusOptions.Cells"/>): figures are drawn
    /// on the power spectrogram with time and Hz axes, and the evidence sound keeps the most salient cells themselves
    /// (<see cref="StftCells.Split"/>) at the model's rate. Null (default) for a VGGish log-mel model.</summary>
    public StftCells? Cells { get; init; }

    /// <summary>For a log-mel model whose preprocessing is not VGGish's (an exported model's card), its analysis: figures
    /// use its frame step and band centres, and the evidence sound its window, hop and filterbank, at its rate. Null
    /// (default) for VGGish's.</summary>
    public LogMelSpectrogram? LogMel { get; init; }

    /// <summary>The fraction of cells counted as evidence, in (0, 1]. Default 0.2.</summary>
    public double EvidenceFraction
    {
        get => _evidenceFraction;
        init => _evidenceFraction = value is > 0 and <= 1 ? value : throw new ArgumentOutOfRangeException(nameof(EvidenceFraction), value, "Give a fraction in (0, 1].");
    }
}

/// <summary>
/// The files of one explained unit of a corpus run (<c>relax explain</c>): the report's thumbnail, and as asked the
/// per-unit figures and the evidence as sound. Pass <see cref="Write"/> to <see cref="CorpusExplainer.Run"/> as its
/// <see cref="CorpusArtifactWriter"/>, so that a unit counted as finished always has its files.
/// </summary>
/// <param name="options">What to write.</param>
public sealed class CorpusUnitFigures(CorpusUnitFigureOptions options)
{
    private readonly CorpusUnitFigureOptions _options = options ?? throw new ArgumentNullException(nameof(options));

    /// <summary>Writes one unit's files (a <see cref="CorpusArtifactWriter"/>, called before the unit is marked finished).</summary>
    /// <param name="unit">The unit: recording, example, start and mask kind.</param>
    /// <param name="input">The example's log-mel input (96, 64), or with <see cref="CorpusUnitFigureOptions.Cells"/> its power spectrogram.</param>
    /// <param name="waveform">The example's audio (16 kHz, or the waveform model's rate), or null when the input has none.</param>
    /// <param name="result">The unit's RELAX result.</param>
    /// <param name="folder">The unit's folder.</param>
    public void Write(CorpusUnit unit, float[,] input, float[]? waveform, RelaxResult result, string folder)
    {
        ArgumentNullException.ThrowIfNull(unit);
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(result);
        var s = _options;
        CorpusFigures.SaveThumbnail(Path.Combine(folder, CorpusReportPage.ThumbnailFile), result.Saliency);
        if ((!s.Audio || waveform is null) && !s.Figures)
        {
            return;
        }
        var evidence = EvidenceAudio.TopCells(result.Saliency, s.EvidenceFraction);
        if (s.Audio && waveform is not null)
        {
            var (kept, without) = s.Cells is { } cells ? cells.Split(waveform, evidence) : EvidenceAudio.Split(waveform, evidence, s.LogMel ?? LogMelSpectrogram.VGGish);
            int rate = s.Cells?.SampleRate ?? s.LogMel?.SampleRate ?? VGGishLogMel.SampleRate;
            // The names report.html links its players to.
            WavWriter.WritePcm16(Path.Combine(folder, CorpusReportPage.EvidenceSounds[0].File), kept, rate);
            WavWriter.WritePcm16(Path.Combine(folder, CorpusReportPage.EvidenceSounds[1].File), without, rate);
        }
        if (!s.Figures)
        {
            return;
        }
        var axes = SpectrogramAxes.Of(s.Cells, s.LogMel) with { StartSeconds = unit.StartSeconds };
        double span = (s.Cells?.SampleRate ?? s.LogMel?.SampleRate) is { } rateHz && waveform is not null ? waveform.Length / (double)rateHz : 0.96;
        string clip = string.Create(CultureInfo.InvariantCulture, $"{unit.Recording}, {unit.StartSeconds:F2}–{unit.StartSeconds + span:F2} s");
        var inputFigure = Path.Combine(Path.GetDirectoryName(folder)!, s.Cells is null ? "logmel.png" : "spectrogram.png");
        if (!File.Exists(inputFigure))
        {
            HeatmapFigure.Save(inputFigure, input, axes, s.Cells is null
                ? new HeatmapStyle { Title = $"Log-mel spectrogram · {clip}", ColorBarLabel = "log mel energy", Colors = HeatmapColors.Magma }
                : new HeatmapStyle { Title = $"Power spectrogram · {clip}", ColorBarLabel = "dB", Colors = HeatmapColors.Magma });
        }
        HeatmapFigure.Save(Path.Combine(folder, "saliency.png"), result.Saliency, axes,
            new HeatmapStyle { Title = $"RELAX saliency · {clip} · {unit.MaskKind} masks, N = {result.MasksUsed}", ColorBarLabel = "R", Colors = HeatmapColors.Viridis });
        HeatmapFigure.Save(Path.Combine(folder, "uncertainty.png"), result.Uncertainty, axes,
            new HeatmapStyle { Title = $"RELAX uncertainty · {clip} · {unit.MaskKind} masks, N = {result.MasksUsed}", ColorBarLabel = "U", Colors = HeatmapColors.Inferno });
        HeatmapFigure.Save(Path.Combine(folder, "u-relax.png"), result.URelax, axes,
            new HeatmapStyle { Title = $"U-RELAX (saliency where uncertainty ≤ median) · {clip} · {unit.MaskKind} masks", ColorBarLabel = "R", Colors = HeatmapColors.Viridis });
        // One figure with the study's panels side by side on shared axes; the last shows only the evidence cells.
        float floor = input.Cast<float>().Min();
        var evidenceOnly = new float[input.GetLength(0), input.GetLength(1)];
        for (int t = 0; t < input.GetLength(0); t++)
        {
            for (int m = 0; m < input.GetLength(1); m++)
            {
                evidenceOnly[t, m] = evidence[t, m] ? input[t, m] : floor;
            }
        }
        MapGridFigure.Save(Path.Combine(folder, "explanation.png"),
            [new MapPanel(axes.InputName, input, axes.InputUnit, HeatmapColors.Magma), new MapPanel("saliency", result.Saliency, "R"),
             new MapPanel("uncertainty", result.Uncertainty, "U", HeatmapColors.Inferno),
             new MapPanel($"evidence: top {s.EvidenceFraction:P0} of cells", evidenceOnly, axes.InputUnit, HeatmapColors.Magma)],
            axes, new MapGridStyle { Title = $"{clip} · {unit.MaskKind} masks, N = {result.MasksUsed}", Columns = 4, PanelWidth = 460, PanelHeight = 320 });
    }
}
