using System.Globalization;
using Relax.Audio;
using Relax.Models;
using Relax.Waveform;

namespace Relax.Cli;

/// <summary>How the commands cut a recording for an exported model read by samples: a waveform model (examples at its
/// rate and length, explained over <see cref="StftCells.ForRate"/>'s cells) or a log-mel model whose card's
/// preprocessing is not VGGish's (examples of its frames, computed by <see cref="LogMelSpectrogram"/>). The hop is
/// <c>--hop</c> when given, else the card's; <c>--pad</c> pads the last partial example.</summary>
internal static class ModelExamples
{
    /// <summary>A waveform model's examples and cells.</summary>
    /// <exception cref="CliException">A hop longer than an example, or examples shorter than the STFT takes.</exception>
    public static (WaveformExampleReader Reader, StftCells Cells) Waveform(WaveformInput input, double? hopSeconds, bool pad, string identity)
    {
        int hop = hopSeconds is { } seconds ? (int)Math.Round(seconds * input.SampleRate) : input.ExampleHopSamples;
        if (hop < 1 || hop > input.SamplesPerExample)
        {
            throw new CliException(string.Create(CultureInfo.InvariantCulture,
                $"--hop {hopSeconds}: {identity} takes examples of {input.SamplesPerExample / (double)input.SampleRate:0.###} s; give a hop of at most that."));
        }
        var cells = StftCells.ForRate(input.SampleRate);
        if (input.SamplesPerExample < cells.MinimumSamples)
        {
            throw new CliException($"{identity}: examples of {input.SamplesPerExample} samples are shorter than the STFT its masks live on takes ({cells.MinimumSamples} at {input.SampleRate} Hz).");
        }
        if (input.SamplesPerExample > WaveformExampleReader.MaxSamplesPerExample)
        {
            throw new CliException(string.Create(CultureInfo.InvariantCulture,
                $"{identity}: examples of {input.SamplesPerExample} samples are longer than this build explains ({WaveformExampleReader.MaxSamplesPerExample} samples, {WaveformExampleReader.MaxSamplesPerExample / (double)input.SampleRate:0.#} s at {input.SampleRate} Hz)."));
        }
        return (new WaveformExampleReader(input.SampleRate, input.SamplesPerExample, hop, pad), cells);
    }

    /// <summary>Refuses a cluster run whose examples have more cells than a unit may carry: a waveform model's STFT cells
    /// (<see cref="StftCells.ForRate"/>), an exported log-mel model's frames × bands; VGGish's (null input) always fit.</summary>
    /// <exception cref="CliException">Too many cells, in one line.</exception>
    public static void RequireClusterSize(ModelInput? input, string identity)
    {
        long cells = input switch
        {
            WaveformInput wave when StftCells.ForRate(wave.SampleRate) is var stft => (long)stft.Frames(wave.SamplesPerExample) * stft.Bins,
            { ExampleShape: var shape } => (long)shape.Height * shape.Width,
            _ => 0,
        };
        if (cells > Cluster.ClusterUnitExecutor.MaxCellsPerUnit)
        {
            throw new CliException(string.Create(CultureInfo.InvariantCulture,
                $"--cluster: {identity}'s examples have {cells} cells, more than a cluster unit carries ({Cluster.ClusterUnitExecutor.MaxCellsPerUnit}); run without --cluster, or with shorter examples."));
        }
    }

    /// <summary>A log-mel model's examples and analysis when its card's preprocessing is not VGGish's.</summary>
    /// <exception cref="CliException">An analysis this build cannot compute, a hop longer than an example, or examples too long.</exception>
    public static (WaveformExampleReader Reader, LogMelSpectrogram Analysis) LogMel(LogMelInput input, double? hopSeconds, bool pad, string identity)
    {
        try
        {
            var analysis = new LogMelSpectrogram(input.SampleRate, input.WindowSamples, input.HopSamples, input.FftSize, input.MelBands, input.FminHz, input.FmaxHz, input.LogOffset);
            int hopFrames = hopSeconds is { } seconds ? (int)Math.Max(1, Math.Round(seconds * input.SampleRate / input.HopSamples)) : input.ExampleHopFrames;
            if (hopFrames > input.FramesPerExample)
            {
                throw new CliException(string.Create(CultureInfo.InvariantCulture,
                    $"--hop {hopSeconds}: {identity} takes examples of {input.FramesPerExample} frames ({analysis.SamplesFor(input.FramesPerExample) / (double)input.SampleRate:0.###} s); give a hop of at most that."));
            }
            return (new WaveformExampleReader(input.SampleRate, checked((int)analysis.SamplesFor(input.FramesPerExample)), hopFrames * input.HopSamples, pad), analysis);
        }
        catch (Exception e) when (e is ArgumentOutOfRangeException or OverflowException)
        {
            throw new CliException($"{identity}: its card's log-mel preprocessing cannot be computed here: {e.Message.Split(Environment.NewLine)[0]}", e);
        }
    }
}
