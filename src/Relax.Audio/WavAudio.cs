namespace Relax.Audio;

/// <summary>
/// Decoded audio: interleaved samples scaled to [-1, 1) the way libsndfile and the VGGish reference scale them
/// (integer PCM divided by 2^(bits-1), so 16-bit PCM is <c>int16 / 32768</c>; float data as stored).
/// </summary>
internal sealed class WavAudio
{
    /// <summary>Creates decoded audio.</summary>
    /// <param name="format">The format the samples were decoded from.</param>
    /// <param name="sampleRate">Samples per second per channel (for MPEG, the rate of the MPEG stream).</param>
    /// <param name="channels">Number of interleaved channels.</param>
    /// <param name="samples">Interleaved samples; the length must be a multiple of <paramref name="channels"/>.</param>
    /// <param name="warnings">Tolerated irregularities met while reading (for example a truncated data chunk).</param>
    public WavAudio(WavFormat format, int sampleRate, int channels, float[] samples, IReadOnlyList<string>? warnings = null)
    {
        ArgumentNullException.ThrowIfNull(format);
        ArgumentNullException.ThrowIfNull(samples);
        ArgumentOutOfRangeException.ThrowIfLessThan(sampleRate, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(channels, 1);
        if (samples.Length % channels != 0)
        {
            throw new ArgumentException($"{samples.Length} interleaved samples are not a whole number of {channels}-channel frames.", nameof(samples));
        }
        Format = format;
        SampleRate = sampleRate;
        Channels = channels;
        Samples = samples;
        Warnings = warnings ?? [];
    }

    /// <summary>The format the samples were decoded from.</summary>
    public WavFormat Format { get; }

    /// <summary>Samples per second per channel.</summary>
    public int SampleRate { get; }

    /// <summary>Number of interleaved channels.</summary>
    public int Channels { get; }

    /// <summary>Interleaved samples, <see cref="FrameCount"/> × <see cref="Channels"/>.</summary>
    public float[] Samples { get; }

    /// <summary>Number of sample frames (samples per channel).</summary>
    public int FrameCount => Samples.Length / Channels;

    /// <summary>Duration in seconds.</summary>
    public double DurationSeconds => (double)FrameCount / SampleRate;

    /// <summary>Irregularities that were tolerated while reading, in plain words (empty for a clean file).</summary>
    public IReadOnlyList<string> Warnings { get; }

    /// <summary>The mono mix: the mean of the channels of each frame (the samples themselves when mono).</summary>
    public float[] ToMono()
    {
        var mono = new float[FrameCount];
        MixToMono(Samples, Channels, mono);
        return mono;
    }

    /// <summary>Writes the mean of the channels of each interleaved frame to <paramref name="mono"/> (summed in double
    /// precision, as the reference's <c>np.mean(axis=1)</c> of float data; a copy when mono).</summary>
    public static void MixToMono(ReadOnlySpan<float> interleaved, int channels, Span<float> mono)
    {
        int frames = interleaved.Length / channels;
        if (channels == 1)
        {
            interleaved.CopyTo(mono);
            return;
        }
        double inverse = 1.0 / channels;
        for (int frame = 0, i = 0; frame < frames; frame++)
        {
            double sum = 0;
            for (int c = 0; c < channels; c++, i++)
            {
                sum += interleaved[i];
            }
            mono[frame] = (float)(sum * inverse);
        }
    }
}
