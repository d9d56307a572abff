namespace Relax.Audio;

/// <summary>
/// The examples a waveform model takes from a WAV file: the audio mixed to mono (channels averaged), converted to the
/// model's rate with <see cref="KaiserSincResampler.KaiserBest"/> (as the VGGish front end converts to 16 kHz), and cut
/// into examples of <see cref="SamplesPerExample"/> samples starting every <see cref="HopSamples"/>. Streamed: the file
/// is read a block at a time and only the samples of the next example are held, so memory does not grow with the
/// recording's length.
/// </summary>
/// <remarks>Audio left over after the last whole example (or a recording shorter than one example) is dropped, as
/// the VGGish front end drops it, unless <see cref="PadFinalExample"/> pads it with silence into one more example.</remarks>
public sealed record WaveformExampleReader
{
    /// <summary>The longest example taken: 2²² samples (87 s at 48 kHz).</summary>
    public const int MaxSamplesPerExample = 1 << 22;

    /// <summary>Creates the reader, checking its settings.</summary>
    /// <param name="sampleRate">The model's rate, <see cref="WavReader.MinimumSampleRate"/> to <see cref="WavReader.MaximumSampleRate"/> Hz.</param>
    /// <param name="samplesPerExample">Samples per example, 1 to <see cref="MaxSamplesPerExample"/>.</param>
    /// <param name="hopSamples">Samples from one example's start to the next's, 1 to <paramref name="samplesPerExample"/>.</param>
    /// <param name="padFinalExample">Pad what is left after the last whole example with silence into one more.</param>
    /// <exception cref="ArgumentOutOfRangeException">A value outside its range.</exception>
    public WaveformExampleReader(int sampleRate, int samplesPerExample, int hopSamples, bool padFinalExample = false)
    {
        SampleRate = sampleRate is >= WavReader.MinimumSampleRate and <= WavReader.MaximumSampleRate ? sampleRate
            : throw new ArgumentOutOfRangeException(nameof(sampleRate), sampleRate, $"Give a rate of {WavReader.MinimumSampleRate} to {WavReader.MaximumSampleRate} Hz.");
        SamplesPerExample = samplesPerExample is >= 1 and <= MaxSamplesPerExample ? samplesPerExample
            : throw new ArgumentOutOfRangeException(nameof(samplesPerExample), samplesPerExample, $"Give 1 to {MaxSamplesPerExample} samples per example.");
        HopSamples = hopSamples >= 1 && hopSamples <= samplesPerExample ? hopSamples
            : throw new ArgumentOutOfRangeException(nameof(hopSamples), hopSamples, $"Give a hop of 1 to {samplesPerExample} samples (one example).");
        PadFinalExample = padFinalExample;
    }

    /// <summary>The model's rate in Hz.</summary>
    public int SampleRate { get; }

    /// <summary>Samples per example.</summary>
    public int SamplesPerExample { get; }

    /// <summary>Samples from one example's start to the next's.</summary>
    public int HopSamples { get; }

    /// <summary>Whether audio after the last whole example is padded with silence into one more.</summary>
    public bool PadFinalExample { get; }

    /// <summary>Where example <paramref name="index"/> starts, in seconds.</summary>
    public double StartSeconds(long index) => index * (double)HopSamples / SampleRate;

    /// <summary>The examples of a WAV file, in order, read as they are enumerated.</summary>
    /// <param name="path">The WAV file.</param>
    /// <param name="warnings">Told each irregularity the reader tolerated, once.</param>
    /// <exception cref="InvalidDataException">The file is malformed; the message names it. Thrown here for its header,
    /// during the enumeration for damage further in.</exception>
    /// <exception cref="NotSupportedException">Its sample format is not decoded.</exception>
    public IEnumerable<float[]> Read(string path, Action<string>? warnings = null)
    {
        var decoder = WavDecoder.Open(path);   // header errors surface here, at the call
        return Examples(decoder, warnings);
    }

    private IEnumerable<float[]> Examples(WavDecoder decoder, Action<string>? warnings)
    {
        using (decoder)
        {
            var stream = decoder.SampleRate == SampleRate ? null : KaiserSincResampler.KaiserBest.Open(decoder.SampleRate, SampleRate);
            var buffer = new SampleBuffer();
            const int blockFrames = 1 << 16;
            var interleaved = new float[blockFrames * decoder.Channels];
            var mono = new float[blockFrames];
            long next = 0;
            int warned = 0, read;
            while ((read = decoder.Read(interleaved)) > 0)
            {
                for (; warned < decoder.Warnings.Count; warned++)
                {
                    warnings?.Invoke(decoder.Warnings[warned]);
                }
                WavAudio.MixToMono(interleaved.AsSpan(0, read * decoder.Channels), decoder.Channels, mono);
                if (stream is null)
                {
                    buffer.Append(mono.AsSpan(0, read));
                }
                else
                {
                    stream.Push(mono.AsSpan(0, read), buffer);
                }
                for (; buffer.End >= next + SamplesPerExample; next += HopSamples)
                {
                    yield return Take(buffer, next);
                }
            }
            for (; warned < decoder.Warnings.Count; warned++)
            {
                warnings?.Invoke(decoder.Warnings[warned]);
            }
            stream?.Finish(buffer);
            for (; buffer.End >= next + SamplesPerExample; next += HopSamples)
            {
                yield return Take(buffer, next);
            }
            // What the last whole example left (next − hop + S is where it ended), or a recording shorter than one example.
            long covered = next == 0 ? 0 : next - HopSamples + SamplesPerExample;
            if (PadFinalExample && buffer.End > covered)
            {
                var padded = new float[SamplesPerExample];
                buffer.Slice(next, (int)(buffer.End - next)).CopyTo(padded);
                yield return padded;
            }
        }
    }

    private float[] Take(SampleBuffer buffer, long start)
    {
        var example = buffer.Slice(start, SamplesPerExample).ToArray();
        buffer.DropBefore(start + HopSamples);
        return example;
    }
}
