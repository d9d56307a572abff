using System.Numerics;
using Relax.Waveform;

namespace Relax.Evaluation.Tests;

/// <summary>The STFT cells a waveform model is explained over: the spectrogram against a float64 DFT written out here,
/// the split into evidence and the rest, and the settings refused.</summary>
public class StftCellsTests
{
    private static float[] TwoTones(int samples, int seed = 5)
    {
        var random = new Random(seed);
        return Enumerable.Range(0, samples).Select(i => (float)(0.4 * Math.Sin(2 * Math.PI * 1500 * i / 16_000.0)
            + 0.3 * Math.Sin(2 * Math.PI * 4000 * i / 16_000.0) + 0.02 * (2 * random.NextDouble() - 1))).ToArray();
    }

    /// <summary>|X|² of frame <paramref name="frame"/> by the definition, in float64: the signal reflected at its ends by
    /// FFT/2 samples, the periodic Hann window centred in the FFT frame, a plain DFT.</summary>
    private static double[] ReferencePower(float[] x, StftCells cells, int frame)
    {
        int n = cells.FftSize, pad = n / 2, offset = (n - cells.WindowSamples) / 2;
        var power = new double[cells.Bins];
        for (int k = 0; k < cells.Bins; k++)
        {
            var sum = Complex.Zero;
            for (int i = 0; i < cells.WindowSamples; i++)
            {
                int m = frame * cells.HopSamples + offset + i - pad;
                int j = m < 0 ? -m : m >= x.Length ? 2 * (x.Length - 1) - m : m;
                double w = 0.5 - 0.5 * Math.Cos(2 * Math.PI * i / cells.WindowSamples);
                sum += x[j] * w * Complex.Exp(new Complex(0, -2 * Math.PI * k * (offset + i) / n));
            }
            power[k] = sum.Magnitude * sum.Magnitude;
        }
        return power;
    }

    [Fact]
    public void The_spectrogram_is_the_power_in_decibels_of_a_float64_dft_of_each_centred_frame()
    {
        var cells = StftCells.ForRate(16_000);
        var x = TwoTones(8000);
        var spectrogram = cells.Spectrogram(x);
        Assert.Equal((51, 257), (spectrogram.GetLength(0), spectrogram.GetLength(1)));
        foreach (int frame in new[] { 0, 1, 25, 50 }) // the ends read reflected samples
        {
            var reference = ReferencePower(x, cells, frame);
            double top = reference.Max();
            for (int k = 0; k < cells.Bins; k++)
            {
                if (reference[k] > 1e-6 * top) // 60 dB under the frame's peak; below, float32 rounding dominates
                {
                    Assert.True(Math.Abs(spectrogram[frame, k] - 10 * Math.Log10(reference[k] + 1e-10)) < 0.01, $"frame {frame}, bin {k}: {spectrogram[frame, k]} dB");
                }
            }
        }
    }

    [Fact]
    public void The_evidence_and_the_rest_sum_to_the_waveform_and_one_band_kept_carries_only_that_tone()
    {
        var cells = new StftCells(16_000);
        var x = TwoTones(16_000);
        int frames = cells.Frames(x.Length);

        var all = new bool[frames, cells.Bins];
        foreach (var (t, f) in Enumerable.Range(0, frames).SelectMany(t => Enumerable.Range(0, cells.Bins).Select(f => (t, f))))
        {
            all[t, f] = true;
        }
        var (evidence, without) = cells.Split(x, all);
        Assert.True(x.Select((v, i) => Math.Abs(v - evidence[i])).Max() < 1e-5);     // everything kept: the waveform
        Assert.True(without.Select(Math.Abs).Max() < 1e-5);

        // Only 1-2 kHz kept (bins 32-64): the evidence is the 1.5 kHz tone, the rest the 4 kHz tone (and noise).
        var band = new bool[frames, cells.Bins];
        for (int t = 0; t < frames; t++)
        {
            for (int f = 32; f <= 64; f++)
            {
                band[t, f] = true;
            }
        }
        (evidence, without) = cells.Split(x, band);
        Assert.True(x.Select((v, i) => Math.Abs(v - evidence[i] - without[i])).Max() < 1e-6);
        var low = Enumerable.Range(0, x.Length).Select(i => 0.4 * Math.Sin(2 * Math.PI * 1500 * i / 16_000.0)).ToArray();
        var high = Enumerable.Range(0, x.Length).Select(i => 0.3 * Math.Sin(2 * Math.PI * 4000 * i / 16_000.0)).ToArray();
        Assert.True(Correlation(evidence, low) > 0.99, $"evidence vs 1.5 kHz: {Correlation(evidence, low)}");
        Assert.True(Math.Abs(Correlation(evidence, high)) < 0.05);
        Assert.True(Correlation(without, high) > 0.99, $"rest vs 4 kHz: {Correlation(without, high)}");
    }

    private static double Correlation(float[] a, double[] b)
    {
        double ma = a.Average(v => (double)v), mb = b.Average(), ab = 0, aa = 0, bb = 0;
        for (int i = 0; i < a.Length; i++)
        {
            ab += (a[i] - ma) * (b[i] - mb);
            aa += (a[i] - ma) * (a[i] - ma);
            bb += (b[i] - mb) * (b[i] - mb);
        }
        return ab / Math.Sqrt(aa * bb);
    }

    [Fact]
    public void Vggish_analysis_at_any_rate_and_transforms_that_cannot_be_inverted_are_refused()
    {
        Assert.Equal(new StftCells(16_000, 400, 160, 512), StftCells.ForRate(16_000));
        Assert.Equal(new StftCells(44_100, 1102, 441, 2048), StftCells.ForRate(44_100)); // 1102.5 rounds to even
        Assert.Throws<ArgumentOutOfRangeException>(() => new StftCells(16_000, 400, 201, 512));   // hop over half the window
        Assert.Throws<ArgumentOutOfRangeException>(() => new StftCells(16_000, 600, 160, 512));   // window over the FFT
        Assert.Throws<ArgumentOutOfRangeException>(() => new StftCells(16_000, 400, 0, 512));
        Assert.Throws<ArgumentOutOfRangeException>(() => new StftCells(16_000, 400, 160, 511));   // odd: centring would drop a frame
        Assert.Throws<ArgumentOutOfRangeException>(() => new StftCells(16_000, 400, 160, 1 << 20));
        Assert.Throws<ArgumentOutOfRangeException>(() => new StftCells(10, 400, 160, 512));
        var e = Assert.Throws<ArgumentException>(() => new StftCells(16_000).Spectrogram(new float[200]));
        Assert.Contains("shorter than this STFT takes (400", e.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => new StftCells(16_000).Split(new float[1000], new bool[3, 257]));
    }
}
