using NWaves.Transforms;

namespace Relax.Audio;

/// <summary>
/// The log-mel spectrogram of the VGGish reference front end (<c>mel_features.log_mel_spectrogram</c> with the
/// <c>vggish_params</c> values): 16 kHz mono input, 25 ms periodic Hann window (400 samples), 10 ms hop (160),
/// FFT length 512, magnitude spectrum, 64 HTK mel bands from 125 to 7500 Hz (<see cref="MelFilterbank.VGGish"/>),
/// <c>log(mel + 0.01)</c>. Frames are taken only where a whole window fits (no padding), as in the reference.
/// </summary>
/// <remarks>Computed in double precision and returned as float. Thread-safe.</remarks>
public static class VGGishLogMel
{
    /// <summary>The sample rate the front end works at, in Hz.</summary>
    public const int SampleRate = 16000;

    /// <summary>STFT window length in samples (25 ms).</summary>
    public const int WindowLength = 400;

    /// <summary>STFT hop in samples (10 ms).</summary>
    public const int HopLength = 160;

    /// <summary>FFT length (the next power of two above the window length).</summary>
    public const int FftLength = 512;

    /// <summary>Number of mel bands.</summary>
    public const int MelBands = 64;

    /// <summary>Lower edge of the mel bands in Hz.</summary>
    public const double MelMinHertz = 125.0;

    /// <summary>Upper edge of the mel bands in Hz.</summary>
    public const double MelMaxHertz = 7500.0;

    /// <summary>Offset added to the mel energies before the logarithm.</summary>
    public const double LogOffset = 0.01;

    private static readonly double[] HannWindow = PeriodicHann(WindowLength);

    /// <summary>
    /// The periodic Hann window of the reference (<c>0.5 − 0.5 · cos(2πn / N)</c>, n = 0 … N−1). Written by
    /// hand because NWaves' <c>Window.Hann</c> is the symmetric window (divides by N − 1).
    /// </summary>
    public static double[] PeriodicHann(int length)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(length, 1);
        var window = new double[length];
        for (int n = 0; n < length; n++)
        {
            window[n] = 0.5 - 0.5 * Math.Cos(2 * Math.PI / length * n);
        }
        return window;
    }

    /// <summary>Number of STFT frames for <paramref name="sampleCount"/> samples: <c>1 + (n − 400) / 160</c>, or 0 when n &lt; 400.</summary>
    public static int FrameCount(long sampleCount) =>
        sampleCount < WindowLength ? 0 : checked((int)(1 + (sampleCount - WindowLength) / HopLength));

    /// <summary>Computes the log-mel spectrogram of a 16 kHz mono waveform.</summary>
    /// <param name="waveform">Samples at 16 kHz, nominally in [-1, 1].</param>
    /// <returns><see cref="FrameCount"/> frames × 64 bands.</returns>
    public static float[,] Compute(ReadOnlySpan<float> waveform)
    {
        int frames = FrameCount(waveform.Length);
        var flat = new float[frames * MelBands];
        Compute(waveform, flat, frames);
        var result = new float[frames, MelBands];
        Buffer.BlockCopy(flat, 0, result, 0, flat.Length * sizeof(float));
        return result;
    }

    /// <summary>Writes <paramref name="frames"/> log-mel frames (frame-major, 64 values each) to <paramref name="destination"/>.</summary>
    internal static void Compute(ReadOnlySpan<float> waveform, Span<float> destination, int frames, bool allowSimd = true)
    {
        if (allowSimd && BatchedLogMel.IsSupported)
        {
            new BatchedLogMel().Compute(waveform, destination, frames, HannWindow);
            return;
        }

        // One frame at a time with NWaves' double-precision real FFT.
        var fft = new RealFft64(FftLength);
        var frame = new double[FftLength];
        var re = new double[FftLength];
        var im = new double[FftLength];
        var magnitude = new double[FftLength / 2 + 1];
        Span<double> mel = stackalloc double[MelBands];
        var bank = MelFilterbank.VGGish;
        for (int f = 0; f < frames; f++)
        {
            var samples = waveform.Slice(f * HopLength, WindowLength);
            for (int n = 0; n < WindowLength; n++)
            {
                frame[n] = samples[n] * HannWindow[n];
            }
            // frame[WindowLength..] stays zero: the reference zero-pads each frame to the FFT length.
            fft.Direct(frame, re, im);
            for (int k = 0; k < magnitude.Length; k++)
            {
                magnitude[k] = Math.Sqrt(re[k] * re[k] + im[k] * im[k]);
            }
            bank.Apply(magnitude, mel);
            var row = destination.Slice(f * MelBands, MelBands);
            for (int b = 0; b < MelBands; b++)
            {
                row[b] = (float)Math.Log(mel[b] + LogOffset);
            }
        }
    }
}
