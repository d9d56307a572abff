using System.Numerics;
using MathNet.Numerics.IntegralTransforms;

namespace Relax.Audio;

/// <summary>
/// Renders an explanation of a VGGish example as sound: the example's own audio with only its most salient log-mel
/// cells kept (the evidence), and with them removed. Works in the STFT domain of the example's audio with its own
/// phase and VGGish's framing (periodic Hann window of 25 ms, 10 ms hop, 512-point FFT): each FFT bin of a frame gets
/// the share of its mel filterbank weight that falls in kept cells, Σₘ keepₘ·wₘ(bin) / Σₘ wₘ(bin) (bins outside the
/// filterbank's 125–7500 Hz, which the model never sees, go with the rest), and the two masked spectrograms are
/// resynthesised by weighted overlap-add. The audio without the evidence is the example's audio minus the evidence,
/// so the two renderings sum back to it exactly (up to float rounding); with every cell kept, the evidence is the
/// audio's 125–7500 Hz content, attenuated only in the first and last 15 ms that a single tapering window covers.
/// </summary>
/// <remarks>Written by hand because NWaves' STFT resynthesis does not take a gain per bin and frame; the transforms
/// are MathNet's (forward unscaled, inverse scaled by 1/N).</remarks>
public static class EvidenceAudio
{
    /// <summary>The cells kept as evidence: the <paramref name="fraction"/> of cells with the highest saliency (ties
    /// broken by position, so the count is exact).</summary>
    /// <param name="saliency">96 × 64 (frames × mel bands), or any frames × 64.</param>
    /// <param name="fraction">In (0, 1].</param>
    public static bool[,] TopCells(float[,] saliency, double fraction)
    {
        ArgumentNullException.ThrowIfNull(saliency);
        if (!(fraction > 0 && fraction <= 1))
        {
            throw new ArgumentOutOfRangeException(nameof(fraction), fraction, "Use a fraction in (0, 1].");
        }
        int frames = saliency.GetLength(0), bands = saliency.GetLength(1);
        int keep = Math.Max(1, (int)Math.Round(fraction * frames * bands));
        var order = Enumerable.Range(0, frames * bands).OrderByDescending(c => saliency[c / bands, c % bands]).ThenBy(c => c).Take(keep);
        var mask = new bool[frames, bands];
        foreach (int c in order)
        {
            mask[c / bands, c % bands] = true;
        }
        return mask;
    }

    /// <summary>Splits an example's audio into the part carried by the kept cells and the rest.</summary>
    /// <param name="samples">The example's 15 600 samples at 16 kHz (<see cref="LogMelExamples.ExampleWaveform"/>).</param>
    /// <param name="keep">Cells kept, 96 frames × 64 mel bands.</param>
    /// <returns>The evidence and the audio without it; they sum to <paramref name="samples"/>.</returns>
    public static (float[] Evidence, float[] Without) Split(ReadOnlySpan<float> samples, bool[,] keep) => Split(samples, keep, LogMelSpectrogram.VGGish);

    /// <summary>Splits an example's audio into the part carried by the kept cells of another log-mel analysis (an
    /// exported model's, <see cref="LogMelSpectrogram"/>) and the rest: its window, hop, FFT and filterbank in place of
    /// VGGish's, the same method.</summary>
    /// <param name="samples">The example's samples at the analysis's rate: window + (frames − 1) × hop of them.</param>
    /// <param name="keep">Cells kept, frames × the analysis's mel bands.</param>
    /// <param name="analysis">The log-mel analysis the cells are of.</param>
    /// <returns>The evidence and the audio without it; they sum to <paramref name="samples"/>.</returns>
    public static (float[] Evidence, float[] Without) Split(ReadOnlySpan<float> samples, bool[,] keep, LogMelSpectrogram analysis)
    {
        ArgumentNullException.ThrowIfNull(keep);
        ArgumentNullException.ThrowIfNull(analysis);
        int frames = keep.GetLength(0), bands = keep.GetLength(1);
        int windowLength = analysis.WindowSamples, hop = analysis.HopSamples;
        if (bands != analysis.MelBands || samples.Length != windowLength + (frames - 1) * hop)
        {
            throw new ArgumentException($"Give {windowLength + (frames - 1) * hop} samples for {frames} frames of {analysis.MelBands} bands; got {samples.Length} samples and {bands} bands.", nameof(samples));
        }
        int n = analysis.FftSize, bins = n / 2 + 1;
        var bank = analysis.Filterbank;
        var bandTotal = new double[bins];
        for (int b = 0; b < bins; b++)
        {
            for (int m = 0; m < bands; m++)
            {
                bandTotal[b] += bank.Weight(b, m);
            }
        }
        var window = analysis.Window.ToArray();
        var re = new double[n];
        var im = new double[n];
        var reKept = new double[n];
        var imKept = new double[n];
        var spectrum = new Complex[n];
        var evidence = new double[samples.Length];
        var norm = new double[samples.Length];
        for (int t = 0; t < frames; t++)
        {
            int start = t * hop;
            Array.Clear(spectrum);
            for (int i = 0; i < windowLength; i++)
            {
                spectrum[i] = new Complex(samples[start + i] * window[i], 0);
            }
            Fourier.Forward(spectrum, FourierOptions.Matlab);
            for (int b = 0; b < bins; b++)
            {
                (re[b], im[b]) = (spectrum[b].Real, spectrum[b].Imaginary);
            }
            Array.Clear(reKept);
            Array.Clear(imKept);
            for (int b = 0; b < bins; b++)
            {
                double gain = 0;
                if (bandTotal[b] > 0)
                {
                    for (int m = 0; m < bands; m++)
                    {
                        if (keep[t, m])
                        {
                            gain += bank.Weight(b, m);
                        }
                    }
                    gain /= bandTotal[b];
                }
                reKept[b] = re[b] * gain;
                imKept[b] = im[b] * gain;
            }
            Resynthesise(reKept, imKept, spectrum, evidence, window, start);
            for (int i = 0; i < windowLength; i++)
            {
                norm[start + i] += window[i] * window[i];
            }
        }
        var kept = new float[samples.Length];
        var rest = new float[samples.Length];
        // Weighted overlap-add: Σ w·frame / Σ w², with Σ w² floored at a tenth of its interior value so that the first and
        // last few milliseconds, which only a window's tapering edge reaches, are attenuated rather than blown up.
        double floor = 0.1 * norm.Max();
        for (int i = 0; i < samples.Length; i++)
        {
            double e = evidence[i] / Math.Max(norm[i], floor);
            kept[i] = (float)e;
            rest[i] = samples[i] - kept[i];
        }
        return (kept, rest);
    }

    /// <summary>Inverse FFT of a real signal's half-spectrum (bins 0 … N/2; the upper half is the conjugate mirror),
    /// windowed and added at <paramref name="start"/>. MathNet's complex inverse with 1/N scaling.</summary>
    private static void Resynthesise(double[] re, double[] im, Complex[] spectrum, double[] sum, double[] window, int start)
    {
        int n = spectrum.Length;
        for (int b = 0; b <= n / 2; b++)
        {
            spectrum[b] = new Complex(re[b], im[b]);
            if (b > 0 && b < n - b)
            {
                spectrum[n - b] = Complex.Conjugate(spectrum[b]);
            }
        }
        Fourier.Inverse(spectrum, FourierOptions.Matlab);
        for (int i = 0; i < window.Length; i++)
        {
            sum[start + i] += spectrum[i].Real * window[i];
        }
    }
}
