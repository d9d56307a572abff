namespace Relax.Audio;

/// <summary>
/// Settings of <see cref="VGGishFrontEnd"/>. The defaults reproduce the VGGish reference front end; every property
/// is checked when it is set, so an invalid value fails where it is written, with the accepted range in the message.
/// </summary>
public sealed record VGGishFrontEndOptions
{
    private readonly int _exampleHopFrames = LogMelExamples.FramesPerExample;
    private readonly KaiserSincResampler _resampler = KaiserSincResampler.KaiserBest;

    /// <summary>
    /// Frames (10 ms each) between the starts of consecutive examples; 1 to 96. The default 96 gives the reference's
    /// non-overlapping 0.96 s examples; smaller values give overlapping examples.
    /// </summary>
    public int ExampleHopFrames
    {
        get => _exampleHopFrames;
        init => _exampleHopFrames = value is >= 1 and <= LogMelExamples.FramesPerExample
            ? value
            : throw new ArgumentOutOfRangeException(nameof(ExampleHopFrames), value, $"The example hop must be 1 to {LogMelExamples.FramesPerExample} frames.");
    }

    /// <summary>
    /// Pads the 16 kHz waveform with silence (zeros) so that frames left over after the last whole example — or a
    /// clip shorter than 0.96 s — form one more example. Off by default, as in the reference, where such audio is
    /// dropped and a clip shorter than 0.96 s gives no example.
    /// </summary>
    public bool PadFinalExample { get; init; }

    /// <summary>
    /// Throws <see cref="AudioTooShortException"/> instead of returning an empty result when the audio yields no
    /// example. Off by default (an empty result carries <see cref="LogMelExamples.Message"/>).
    /// </summary>
    public bool RequireExamples { get; init; }

    /// <summary>The resampler used for input not at 16 kHz. Default: <see cref="KaiserSincResampler.KaiserBest"/>, as in the reference.</summary>
    internal KaiserSincResampler Resampler
    {
        get => _resampler;
        init => _resampler = value ?? throw new ArgumentNullException(nameof(Resampler));
    }
}
