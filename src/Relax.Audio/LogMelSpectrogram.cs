using System.Numerics;
using MathNet.Numerics.IntegralTransforms;
using NWaves.Transforms;

namespace Relax.Audio;

/// <summary>
/// A log-mel spectrogram with any of the values a model card states (<c>mel_features.log_mel_spectrogram</c> of the
/// VGGish reference, generalised): frames of <see cref="WindowSamples"/> samples every <see cref="HopSamples"/>, taken
/// only where a whole window fits, a periodic Hann window, zero-padded to <see cref="FftSize"/>, the magnitude
/// spectrum, <see cref="Filterbank"/> (HTK mel bands from <see cref="FminHz"/> to <see cref="FmaxHz"/>, the DC bin
/// zeroed) and <c>log(mel + LogOffset)</c>. With VGGish's values it is <see cref="VGGishLogMel"/>, which has its own
/// batched SIMD path; this one serves the other values of exported models.
/// </summary>
/// <remarks>Computed in double precision, one frame at a time: NWaves' real FFT for a power-of-two size, MathNet's
/// (any size) otherwise. Thread-safe.</remarks>
public sealed class LogMelSpectrogram
{
    private readonly double[] _window;

    /// <summary>Creates the analysis, checking its values.</summary>
    /// <param name="sampleRate">Hz, 1 000 to 768 000.</param>
    /// <param name="windowSamples">Window length, 16 to <paramref name="fftSize"/>.</param>
    /// <param name="hopSamples">Hop, 1 to the window.</param>
    /// <param name="fftSize">FFT length, the window to 65 536.</param>
    /// <param name="melBands">Bands, 1 to 512.</param>
    /// <param name="fminHz">Lowest band edge, 0 to below <paramref name="fmaxHz"/>.</param>
    /// <param name="fmaxHz">Highest band edge, at most half the rate.</param>
    /// <param name="logOffset">Added before the log, in (0, 1].</param>
    /// <exception cref="ArgumentOutOfRangeException">A value outside its range.</exception>
    public LogMelSpectrogram(int sampleRate, int windowSamples, int hopSamples, int fftSize, int melBands, double fminHz, double fmaxHz, double logOffset)
    {
        SampleRate = sampleRate is >= 1000 and <= 768_000 ? sampleRate : throw new ArgumentOutOfRangeException(nameof(sampleRate), sampleRate, "Give 1000 to 768000 Hz.");
        FftSize = fftSize is >= 16 and <= 65_536 ? fftSize : throw new ArgumentOutOfRangeException(nameof(fftSize), fftSize, "Give an FFT size of 16 to 65536.");
        WindowSamples = windowSamples >= 16 && windowSamples <= fftSize ? windowSamples
            : throw new ArgumentOutOfRangeException(nameof(windowSamples), windowSamples, $"Give a window of 16 to {fftSize} samples (the FFT size).");
        HopSamples = hopSamples >= 1 && hopSamples <= windowSamples ? hopSamples
            : throw new ArgumentOutOfRangeException(nameof(hopSamples), hopSamples, $"Give a hop of 1 to {windowSamples} samples.");
        MelBands = melBands is >= 1 and <= 512 ? melBands : throw new ArgumentOutOfRangeException(nameof(melBands), melBands, "Give 1 to 512 mel bands.");
        FmaxHz = fmaxHz > 0 && fmaxHz <= sampleRate / 2.0 ? fmaxHz
            : throw new ArgumentOutOfRangeException(nameof(fmaxHz), fmaxHz, $"Give an upper edge above 0 and at most {sampleRate / 2.0} Hz (half the rate).");
        FminHz = fminHz >= 0 && fminHz < fmaxHz ? fminHz
            : throw new ArgumentOutOfRangeException(nameof(fminHz), fminHz, $"Give a lower edge from 0 to below {fmaxHz} Hz.");
        LogOffset = logOffset > 0 && logOffset <= 1 ? logOffset : throw new ArgumentOutOfRangeException(nameof(logOffset), logOffset, "Give a log offset in (0, 1].");
        Filterbank = MelFilterbank.CreateHtk(melBands, fftSize / 2 + 1, sampleRate, fminHz, fmaxHz);
        _window = VGGishLogMel.PeriodicHann(windowSamples);
    }

    /// <summary>VGGish's values (16 kHz, 400, 160, 512, 64 bands 125–7500 Hz, offset 0.01).</summary>
    public static LogMelSpectrogram VGGish { get; } = new(VGGishLogMel.SampleRate, VGGishLogMel.WindowLength, VGGishLogMel.HopLength, VGGishLogMel.FftLength,
        VGGishLogMel.MelBands, VGGishLogMel.MelMinHertz, VGGishLogMel.MelMaxHertz, VGGishLogMel.LogOffset);

    /// <summary>Hz.</summary>
    public int SampleRate { get; }

    /// <summary>Window length in samples.</summary>
    public int WindowSamples { get; }

    /// <summary>Hop in samples.</summary>
    public int HopSamples { get; }

    /// <summary>FFT length.</summary>
    public int FftSize { get; }

    /// <summary>Mel bands.</summary>
    public int MelBands { get; }

    /// <summary>Lowest band edge in Hz.</summary>
    public double FminHz { get; }

    /// <summary>Highest band edge in Hz.</summary>
    public double FmaxHz { get; }

    /// <summary>Added to the mel energy before the natural log.</summary>
    public double LogOffset { get; }

    /// <summary>The mel filterbank over the FFT's bins.</summary>
    public MelFilterbank Filterbank { get; }

    /// <summary>The periodic Hann window.</summary>
    public IReadOnlyList<double> Window => _window;

    /// <summary>Frames of <paramref name="samples"/> samples: <c>1 + (n − window) / hop</c>, or 0 when fewer than a window.</summary>
    public long FrameCount(long samples) => samples < WindowSamples ? 0 : 1 + (samples - WindowSamples) / HopSamples;

    /// <summary>The samples <paramref name="frames"/> frames span: <c>window + (frames − 1) · hop</c>.</summary>
    public long SamplesFor(int frames) => frames < 1 ? 0 : WindowSamples + (long)(frames - 1) * HopSamples;

    /// <summary>The log-mel spectrogram of a waveform at <see cref="SampleRate"/>: (frames × bands).</summary>
    public float[,] Compute(ReadOnlySpan<float> waveform)
    {
        int frames = checked((int)FrameCount(waveform.Length));
        var result = new float[frames, MelBands];
        var frame = new double[FftSize];
        var re = new double[FftSize];
        var im = new double[FftSize];
        var spectrum = FftSize == (int)BitOperations.RoundUpToPowerOf2((uint)FftSize) ? null : new Complex[FftSize];
        var fft = spectrum is null ? new RealFft64(FftSize) : null;
        var magnitude = new double[FftSize / 2 + 1];
        var mel = new double[MelBands];
        for (int f = 0; f < frames; f++)
        {
            var samples = waveform.Slice(f * HopSamples, WindowSamples);
            Array.Clear(frame);
            for (int n = 0; n < WindowSamples; n++)
            {
                frame[n] = samples[n] * _window[n];
            }
            if (spectrum is null)
            {
                fft!.Direct(frame, re, im);
            }
            else
            {
                for (int n = 0; n < FftSize; n++)
                {
                    spectrum[n] = new Complex(frame[n], 0);
                }
                Fourier.Forward(spectrum, FourierOptions.Matlab);
                for (int k = 0; k < magnitude.Length; k++)
                {
                    (re[k], im[k]) = (spectrum[k].Real, spectrum[k].Imaginary);
                }
            }
            for (int k = 0; k < magnitude.Length; k++)
            {
                magnitude[k] = Math.Sqrt(re[k] * re[k] + im[k] * im[k]);
            }
            Filterbank.Apply(magnitude, mel);
            for (int b = 0; b < MelBands; b++)
            {
                result[f, b] = (float)Math.Log(mel[b] + LogOffset);
            }
        }
        return result;
    }
}
