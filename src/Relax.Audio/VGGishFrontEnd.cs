using System.Globalization;

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
    /// <exception cref="NotSupportedException">The file's sample format is not decoded; the message names it.</exception>
    public LogMelExamples FromFile(string path) => FromAudio(WavReader.Read(path), path);

    /// <summary>Reads a WAVE file from a stream and computes its examples.</summary>
    /// <exception cref="InvalidDataException">The content is malformed (or too short, when examples are required).</exception>
    /// <exception cref="NotSupportedException">The sample format is not decoded.</exception>
    public LogMelExamples FromStream(Stream stream, string sourceName = "<stream>") =>
        FromAudio(WavReader.Read(stream, sourceName), sourceName);

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
        for (int i = 0; i < waveform.Length; i++)
        {
            if (!float.IsFinite(waveform[i]))
            {
                throw new ArgumentException($"{sourceName}: sample {i} is {waveform[i]}; audio samples must be finite.", nameof(waveform));
            }
        }
        double duration = (double)waveform.Length / sampleRate;
        float[] audio16k = sampleRate == VGGishLogMel.SampleRate
            ? waveform.ToArray()
            : Options.Resampler.Resample(waveform, sampleRate, VGGishLogMel.SampleRate);

        int hop = Options.ExampleHopFrames;
        int frames = VGGishLogMel.FrameCount(audio16k.Length);
        int examples = ExampleCount(frames, hop);
        int padded = 0;
        string? message = null;
        if (Options.PadFinalExample && audio16k.Length > 0)
        {
            int covered = examples == 0 ? 0 : LogMelExamples.FramesPerExample + (examples - 1) * hop;
            if (frames > covered || examples == 0)
            {
                examples++;
                long needed = SamplesPerExample + (long)(examples - 1) * hop * VGGishLogMel.HopLength;
                padded = (int)(needed - audio16k.Length);
                if (padded > 0)
                {
                    Array.Resize(ref audio16k, (int)needed);
                }
                else
                {
                    padded = 0;
                }
                frames = VGGishLogMel.FrameCount(audio16k.Length);
                message = string.Create(CultureInfo.InvariantCulture, $"{sourceName}: {padded} samples of silence (at 16 kHz) were appended to complete the final example.");
            }
        }
        if (examples == 0)
        {
            message = string.Create(CultureInfo.InvariantCulture,
                $"{sourceName}: {duration:0.###} s of audio is shorter than one VGGish example (0.96 s, {SamplesPerExample} samples at 16 kHz), so no example was produced. Set {nameof(VGGishFrontEndOptions.PadFinalExample)} to pad it with silence.");
            if (Options.RequireExamples)
            {
                throw new AudioTooShortException(message);
            }
            return new LogMelExamples([], 0, sourceName, duration, sampleRate, 0, message, warnings);
        }

        int usedFrames = LogMelExamples.FramesPerExample + (examples - 1) * hop;
        var logMel = new float[usedFrames * LogMelExamples.MelBands];
        VGGishLogMel.Compute(audio16k, logMel, usedFrames);
        float[] values;
        if (hop == LogMelExamples.FramesPerExample)
        {
            values = logMel; // consecutive examples are consecutive frames
        }
        else
        {
            values = new float[examples * LogMelExamples.ValuesPerExample];
            for (int e = 0; e < examples; e++)
            {
                logMel.AsSpan(e * hop * LogMelExamples.MelBands, LogMelExamples.ValuesPerExample)
                    .CopyTo(values.AsSpan(e * LogMelExamples.ValuesPerExample));
            }
        }
        return new LogMelExamples(values, examples, sourceName, duration, sampleRate, padded, message, warnings, audio16k, hop);
    }

    /// <summary>Examples that fit in <paramref name="frames"/> frames: <c>1 + (frames − 96) / hop</c>, or 0.</summary>
    public static int ExampleCount(int frames, int exampleHopFrames)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(exampleHopFrames, 1);
        return frames < LogMelExamples.FramesPerExample ? 0 : 1 + (frames - LogMelExamples.FramesPerExample) / exampleHopFrames;
    }
}
