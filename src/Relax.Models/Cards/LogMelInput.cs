using static TorchSharp.torch;

namespace Relax.Models;

/// <summary>A log-mel model's preprocessing, as its card states it: each example is <see cref="FramesPerExample"/>
/// frames of <see cref="MelBands"/> bands of <c>log(mel + LogOffset)</c> of the magnitude STFT (periodic Hann window of
/// <see cref="WindowSamples"/>, hop <see cref="HopSamples"/>, FFT <see cref="FftSize"/>) at <see cref="SampleRate"/>,
/// HTK mel bands from <see cref="FminHz"/> to <see cref="FmaxHz"/>; examples start every
/// <see cref="ExampleHopFrames"/> frames. <see cref="VGGish"/> is Google's VGGish's.</summary>
/// <param name="Layout">(N, 1, T, F), (N, T, F) or (N, F, T).</param>
/// <param name="SampleRate">Hz.</param>
/// <param name="WindowSamples">STFT window length in samples.</param>
/// <param name="HopSamples">STFT hop in samples.</param>
/// <param name="FftSize">FFT length, at least the window.</param>
/// <param name="MelBands">Mel bands (F).</param>
/// <param name="FminHz">Lowest mel band edge.</param>
/// <param name="FmaxHz">Highest mel band edge, at most half the sample rate.</param>
/// <param name="LogOffset">Added to the mel energy before the natural log.</param>
/// <param name="FramesPerExample">Frames in one example (T).</param>
/// <param name="ExampleHopFrames">Frames from one example's start to the next's.</param>
public sealed record LogMelInput(InputLayout Layout, int SampleRate, int WindowSamples, int HopSamples, int FftSize, int MelBands,
    double FminHz, double FmaxHz, double LogOffset, int FramesPerExample, int ExampleHopFrames) : ModelInput(Layout)
{
    /// <summary>Google's VGGish's preprocessing in layout (N, 1, T, F): 16 kHz, 25 ms window, 10 ms hop, FFT 512, 64
    /// bands from 125 to 7500 Hz, <c>log(mel + 0.01)</c>, examples of 96 frames (0.96 s) without overlap. The
    /// <c>--model-card vggish</c> preset.</summary>
    public static LogMelInput VGGish { get; } = new(InputLayout.BatchChannelTimeFrequency, 16_000, 400, 160, 512, 64, 125, 7500, 0.01, 96, 96);

    /// <inheritdoc/>
    public override string Kind => "log-mel";

    /// <inheritdoc/>
    public override int SampleRate { get; } = SampleRate;

    /// <inheritdoc/>
    public override (int Height, int Width) ExampleShape => (FramesPerExample, MelBands);

    /// <summary>A batch of log-mel examples (B, 1, T, F), as this layout wants it: the same (B, 1, T, F), (B, T, F) or
    /// (B, F, T).</summary>
    /// <returns>A new tensor (a view where the layout allows) the caller owns.</returns>
    public override Tensor Arrange(Tensor examples)
    {
        ArgumentNullException.ThrowIfNull(examples);
        return Layout switch
        {
            InputLayout.BatchTimeFrequency => examples.squeeze(1),
            InputLayout.BatchFrequencyTime => examples.squeeze(1).transpose(1, 2),
            _ => examples.alias(),
        };
    }

    /// <summary>Whether this preprocessing is VGGish's in every value but the layout and the hop between examples
    /// (what this build's log-mel front end computes).</summary>
    public bool IsVGGishLogMel =>
        (SampleRate, WindowSamples, HopSamples, FftSize, MelBands, FminHz, FmaxHz, LogOffset, FramesPerExample) ==
        (VGGish.SampleRate, VGGish.WindowSamples, VGGish.HopSamples, VGGish.FftSize, VGGish.MelBands, VGGish.FminHz, VGGish.FmaxHz, VGGish.LogOffset, VGGish.FramesPerExample);
}
