using static TorchSharp.torch;

namespace Relax.Waveform;

/// <summary>
/// The short-time Fourier transform whose cells a waveform model is explained over: a periodic Hann window of
/// <see cref="WindowSamples"/>, hop <see cref="HopSamples"/>, FFT <see cref="FftSize"/> (VGGish's analysis, the one
/// <c>--audio</c> evidence is rendered with), frames centred on multiples of the hop (the signal reflected at its
/// ends), so that the inverse transform gives back every sample. A recording of S samples has
/// <see cref="Frames"/>(S) = 1 + ⌊S / hop⌋ frames of <see cref="Bins"/> = FFT / 2 + 1 frequency bins.
/// </summary>
/// <param name="SampleRate">Hz, for the axes.</param>
/// <param name="WindowSamples">Window length, at most the FFT size.</param>
/// <param name="HopSamples">Hop, at most half the window (so the Hann windows overlap enough to invert).</param>
/// <param name="FftSize">FFT length.</param>
public sealed record StftCells(int SampleRate, int WindowSamples = 400, int HopSamples = 160, int FftSize = 512)
{
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
}
