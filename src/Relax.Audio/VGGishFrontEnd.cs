namespace Relax.Audio;

/// <summary>
/// The VGGish audio front end: a WAVE file (or a waveform) → mono by averaging channels → 16 kHz with
/// <see cref="KaiserSincResampler.KaiserBest"/> → <see cref="VGGishLogMel"/> log-mel frames → examples of 96 frames
/// (<see cref="LogMelExamples"/>), as the reference's <c>vggish_input.waveform_to_examples</c> does.
/// </summary>
/// <remarks>
/// Audio shorter than one example (0.96 s, 15 600 samples at 16 kHz) gives an empty result whose
/// <see cref="LogMelExamples.Message"/> says so; set <see cref="VGGishFrontEndOptions.PadFinalExample"/> to pad it
/// with silence instead, or <see cref="VGGishFrontEndOptions.RequireExamples"/> to get an
/// <see cref="AudioTooShortException"/>. Instances are immutable and thread-safe.
/// </remarks>
public sealed class VGGishFrontEnd
{
    /// <summary>Samples at 16 kHz that one example spans: 400 + 95 × 160 = 15 600.</summary>
    public const int SamplesPerExample = VGGishLogMel.WindowLength + (LogMelExamples.FramesPerExample - 1) * VGGishLogMel.HopLength;

    /// <summary>Creates a front end.</summary>
    /// <param name="options">Settings; null for the reference behaviour.</param>
    public VGGishFrontEnd(VGGishFrontEndOptions? options = null)
    {
        Options = options ?? new VGGishFrontEndOptions();
    }

    /// <summary>The settings.</summary>
    public VGGishFrontEndOptions Options { get; }

    /// <summary>Reads a WAVE file and computes its examples.</summary>
    /// <exception cref="InvalidDataException">The file is malformed (or too short, when examples are required); the message names it.</exception>
    /// <exception cref="NotSupportedException">The file's sample format is not decoded, or its examples are more than one array holds
    /// (use <see cref="FromFileInWindows"/>); the message names it.</exception>
    public LogMelExamples FromFile(string path)
    {
        using var decoder = WavDecoder.Open(path);
        return Frame(decoder, ExampleFramer.WholeRecording).Single();
    }

    /// <summary>Reads a WAVE file a block at a time and hands out its examples in windows of
    /// <paramref name="examplesPerWindow"/> (the last may hold fewer; a recording without an example gives one empty
    /// window whose <see cref="LogMelExamples.Message"/> says why). Memory does not grow with the recording's length;
    /// the values are those <see cref="FromFile"/> gives, bit for bit. Each window's <see cref="LogMelExamples.FirstExample"/>
    /// says where it starts; its <see cref="LogMelExamples.Waveform"/> is the audio its examples cover.</summary>
    /// <param name="path">The WAVE file.</param>
    /// <param name="examplesPerWindow">Examples per window; at least 1.</param>
    /// <exception cref="InvalidDataException">The file is malformed (or too short, when examples are required); the message
    /// names it. Thrown when the file is opened or, for damage further in, when the window that reaches it is read.</exception>
    /// <exception cref="NotSupportedException">The file's sample format is not decoded.</exception>
    public IEnumerable<LogMelExamples> FromFileInWindows(string path, int examplesPerWindow = 64)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(examplesPerWindow, 1);
        var decoder = WavDecoder.Open(path);   // header errors surface here, at the call
        return Windows(decoder, examplesPerWindow);

        IEnumerable<LogMelExamples> Windows(WavDecoder open, int perWindow)
        {
            using (open)
            {
                foreach (var window in Frame(open, perWindow))
                {
                    yield return window;
                }
            }
        }
    }

    /// <summary>Reads a WAVE file from a stream and computes its examples.</summary>
    /// <exception cref="InvalidDataException">The content is malformed (or too short, when examples are required).</exception>
    /// <exception cref="NotSupportedException">The sample format is not decoded.</exception>
    public LogMelExamples FromStream(Stream stream, string sourceName = "<stream>")
    {
        ArgumentNullException.ThrowIfNull(stream);
        using var buffer = new MemoryStream();
        stream.CopyTo(buffer);
        using var decoder = WavDecoder.Open(buffer.ToArray(), sourceName ?? "<stream>");
        return Frame(decoder, ExampleFramer.WholeRecording).Single();
    }

    /// <summary>Computes the examples of decoded audio (channels are averaged).</summary>
    internal LogMelExamples FromAudio(WavAudio audio, string sourceName = "<audio>")
    {
        ArgumentNullException.ThrowIfNull(audio);
        return Compute(audio.ToMono(), audio.SampleRate, sourceName ?? "<audio>", audio.Warnings);
    }

    /// <summary>Computes the examples of a mono waveform.</summary>
    /// <param name="waveform">Mono samples, nominally in [-1, 1]; must be finite.</param>
    /// <param name="sampleRate">Its sample rate in Hz; resampled to 16 kHz when different.</param>
    /// <param name="sourceName">Names the source in messages.</param>
    /// <exception cref="ArgumentException">A sample is NaN or infinite.</exception>
    /// <exception cref="AudioTooShortException">No example results and <see cref="VGGishFrontEndOptions.RequireExamples"/> is set.</exception>
    public LogMelExamples FromWaveform(ReadOnlySpan<float> waveform, int sampleRate, string sourceName = "<waveform>") =>
        Compute(waveform, sampleRate, sourceName ?? "<waveform>", null);

    private LogMelExamples Compute(ReadOnlySpan<float> waveform, int sampleRate, string sourceName, IReadOnlyList<string>? warnings)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(sampleRate, 1);
        var framer = new ExampleFramer(Options, sourceName, sampleRate, ExampleFramer.WholeRecording, warnings: warnings);
        var windows = new List<LogMelExamples>(1);
        framer.Push(waveform, windows);
        framer.Finish(windows);
        return windows.Single();
    }

    /// <summary>The decoder's audio, mixed to mono a block at a time, through a framer.</summary>
    private IEnumerable<LogMelExamples> Frame(WavDecoder decoder, int examplesPerWindow)
    {
        double? duration = decoder.FrameCount is { } frames ? (double)frames / decoder.SampleRate : null;
        var framer = new ExampleFramer(Options, decoder.SourceName, decoder.SampleRate, examplesPerWindow, duration, decoder.Warnings);
        var windows = new List<LogMelExamples>();
        const int blockFrames = 1 << 16;
        var interleaved = new float[blockFrames * decoder.Channels];
        var mono = new float[blockFrames];
        int read;
        while ((read = decoder.Read(interleaved)) > 0)
        {
            WavAudio.MixToMono(interleaved.AsSpan(0, read * decoder.Channels), decoder.Channels, mono);
            framer.Push(mono.AsSpan(0, read), windows);
            foreach (var window in windows)
            {
                yield return window;
            }
            windows.Clear();
        }
        framer.Finish(windows);
        foreach (var window in windows)
        {
            yield return window;
        }
    }

    /// <summary>Examples that fit in <paramref name="frames"/> frames: <c>1 + (frames − 96) / hop</c>, or 0.</summary>
    public static int ExampleCount(int frames, int exampleHopFrames)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(exampleHopFrames, 1);
        return frames < LogMelExamples.FramesPerExample ? 0 : 1 + (frames - LogMelExamples.FramesPerExample) / exampleHopFrames;
    }
}
