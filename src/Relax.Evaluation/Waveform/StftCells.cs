using static TorchSharp.torch;

namespace Relax.Waveform;

/// <summary>
/// The short-time Fourier transform whose cells a waveform model is explained over: a periodic Hann window of
/// <see cref="WindowSamples"/>, hop <see cref="HopSamples"/>, FFT <see cref="FftSize"/> (by default VGGish's analysis,
/// 25 ms windows every 10 ms, the one <c>--audio</c> evidence is rendered with), frames centred on multiples of the hop
/// (the signal reflected at its ends), so that the inverse transform gives back every sample. A recording of S samples
/// has <see cref="Frames"/>(S) = 1 + ⌊S / hop⌋ frames of <see cref="Bins"/> = FFT / 2 + 1 frequency bins.
/// </summary>
public sealed record StftCells
{
    /// <summary>The largest FFT size taken (2¹⁶: bins of well under 1 Hz at 48 kHz).</summary>
    public const int MaxFftSize = 1 << 16;

    /// <summary>Creates the transform, checking that it can be inverted.</summary>
    /// <param name="sampleRate">Hz, for the axes; 1 000 to 768 000 as the WAV reader takes.</param>
    /// <param name="windowSamples">Window length, at least 4 and at most the FFT size.</param>
    /// <param name="hopSamples">Hop, at least 1 and at most half the window (so the Hann windows overlap enough to invert).</param>
    /// <param name="fftSize">FFT length, even, at most <see cref="MaxFftSize"/> (with an even size a recording of S
    /// samples has exactly <see cref="Frames"/>(S) centred frames).</param>
    /// <exception cref="ArgumentOutOfRangeException">A value outside its range.</exception>
    public StftCells(int sampleRate, int windowSamples = 400, int hopSamples = 160, int fftSize = 512)
    {
        SampleRate = sampleRate is >= 1000 and <= 768_000 ? sampleRate
            : throw new ArgumentOutOfRangeException(nameof(sampleRate), sampleRate, "Give a sample rate of 1000 to 768000 Hz.");
        FftSize = fftSize is >= 4 and <= MaxFftSize && fftSize % 2 == 0 ? fftSize
            : throw new ArgumentOutOfRangeException(nameof(fftSize), fftSize, $"Give an even FFT size of 4 to {MaxFftSize} (the frames are centred by half of it).");
        WindowSamples = windowSamples >= 4 && windowSamples <= fftSize ? windowSamples
            : throw new ArgumentOutOfRangeException(nameof(windowSamples), windowSamples, $"Give a window of 4 to {fftSize} samples (the FFT size).");
        HopSamples = hopSamples >= 1 && hopSamples <= windowSamples / 2 ? hopSamples
            : throw new ArgumentOutOfRangeException(nameof(hopSamples), hopSamples, $"Give a hop of 1 to {windowSamples / 2} samples (half the window), so that the transform inverts.");
    }

    /// <summary>VGGish's analysis at <paramref name="sampleRate"/>: 25 ms windows every 10 ms, the FFT the next power of
    /// two (at 16 kHz: 400, 160, 512, exactly VGGish's).</summary>
    public static StftCells ForRate(int sampleRate)
    {
        int window = Math.Max(4, (int)Math.Round(0.025 * sampleRate));
        return new StftCells(sampleRate, window, Math.Max(1, (int)Math.Round(0.010 * sampleRate)), (int)Math.Min(MaxFftSize, System.Numerics.BitOperations.RoundUpToPowerOf2((uint)window)));
    }

    /// <summary>Hz, for the axes.</summary>
    public int SampleRate { get; }

    /// <summary>Window length in samples.</summary>
    public int WindowSamples { get; }

    /// <summary>Hop in samples.</summary>
    public int HopSamples { get; }

    /// <summary>FFT length.</summary>
    public int FftSize { get; }

    /// <summary>The shortest waveform transformed: a window, and more than half the FFT (the ends are reflected).</summary>
    public int MinimumSamples => Math.Max(WindowSamples, FftSize / 2 + 1);

    /// <summary>Frequency bins per frame.</summary>
    public int Bins => FftSize / 2 + 1;

    /// <summary>Frames of a waveform of <paramref name="samples"/> samples.</summary>
    public int Frames(int samples) => 1 + samples / HopSamples;

    /// <summary>The centre frequency of bin <paramref name="bin"/>, in Hz.</summary>
    public double BinHz(int bin) => bin * (double)SampleRate / FftSize;

    /// <summary>The time of frame <paramref name="frame"/>'s centre, in seconds.</summary>
    public double FrameSeconds(int frame) => frame * (double)HopSamples / SampleRate;

    /// <summary>The complex STFT (F, T) of waveforms (B, S) on their device: (B, F, T).</summary>
    public Tensor Forward(Tensor waveforms)
    {
        ArgumentNullException.ThrowIfNull(waveforms);
        using var window = hann_window(WindowSamples, periodic: true, dtype: waveforms.dtype, device: waveforms.device);
        return stft(waveforms, FftSize, HopSamples, WindowSamples, window, center: true, return_complex: true);
    }

    /// <summary>Waveforms (B, S) of <paramref name="samples"/> samples from complex STFTs (B, F, T): the inverse of
    /// <see cref="Forward"/>, batched, on the STFTs' device.</summary>
    public Tensor Inverse(Tensor spectra, int samples)
    {
        ArgumentNullException.ThrowIfNull(spectra);
        using var window = hann_window(WindowSamples, periodic: true, dtype: ScalarType.Float32, device: spectra.device);
        return istft(spectra, FftSize, HopSamples, WindowSamples, window, center: true, length: samples);
    }

    /// <summary>The power spectrogram of one waveform in decibels, 10·log₁₀(|X|² + 10⁻¹⁰), as (frames × bins): what a
    /// map over these cells is drawn on.</summary>
    /// <param name="samples">At least one window of samples.</param>
    public float[,] Spectrogram(ReadOnlySpan<float> samples)
    {
        RequireWindow(samples.Length);
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        var spectrum = Forward(tensor(samples.ToArray(), [1, samples.Length]))[0]; // (F, T)
        var decibels = (spectrum.abs().square() + 1e-10).log10().mul(10).transpose(0, 1).contiguous();
        return TensorArrays.ToArray2D(decibels);
    }

    /// <summary>Splits a waveform into the part its kept cells carry (the STFT with every other cell zeroed, inverted)
    /// and the rest (the waveform minus that part): the two sum to the waveform, and with every cell kept the first
    /// is the waveform itself (within float rounding).</summary>
    /// <param name="samples">The waveform.</param>
    /// <param name="keep">Cells kept, (frames × bins) of this transform.</param>
    /// <exception cref="ArgumentException"><paramref name="keep"/> is not (frames × bins) of the waveform.</exception>
    public (float[] Evidence, float[] Without) Split(ReadOnlySpan<float> samples, bool[,] keep)
    {
        ArgumentNullException.ThrowIfNull(keep);
        RequireWindow(samples.Length);
        int frames = Frames(samples.Length);
        if (keep.GetLength(0) != frames || keep.GetLength(1) != Bins)
        {
            throw new ArgumentException($"Give kept cells ({frames} × {Bins}) for {samples.Length} samples; got ({keep.GetLength(0)} × {keep.GetLength(1)}).", nameof(keep));
        }
        var gains = new float[Bins * frames];
        for (int t = 0; t < frames; t++)
        {
            for (int f = 0; f < Bins; f++)
            {
                gains[f * frames + t] = keep[t, f] ? 1f : 0f;
            }
        }
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        var waveform = tensor(samples.ToArray(), [1, samples.Length]);
        var kept = Inverse(Forward(waveform) * tensor(gains, [1, Bins, frames]), samples.Length)[0];
        var evidence = kept.data<float>().ToArray();
        var without = new float[samples.Length];
        for (int i = 0; i < without.Length; i++)
        {
            without[i] = samples[i] - evidence[i];
        }
        return (evidence, without);
    }

    private void RequireWindow(int samples)
    {
        if (samples < MinimumSamples)
        {
            throw new ArgumentException($"A waveform of {samples} samples is shorter than this STFT takes ({MinimumSamples}: a window, and more than half the FFT for the reflected ends).", nameof(samples));
        }
    }
}
