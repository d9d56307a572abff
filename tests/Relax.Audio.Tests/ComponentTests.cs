namespace Relax.Audio.Tests;

/// <summary>The pieces of the front end against independent float64 brute force and the reference's tables.</summary>
public sealed class ComponentTests
{
    [Fact]
    public void G711_decoding_matches_cpython_audioop_tables()
    {
        var (alaw, _) = Fixtures.ReadNpy("g711_alaw.npy");
        var (ulaw, _) = Fixtures.ReadNpy("g711_ulaw.npy");
        for (int code = 0; code < 256; code++)
        {
            Assert.Equal(alaw[code], PcmDecoding.ALawToLinear((byte)code));
            Assert.Equal(ulaw[code], PcmDecoding.MuLawToLinear((byte)code));
        }
    }

    [Fact]
    public void G711_decoding_matches_the_segment_formulas_of_the_standard()
    {
        for (int code = 0; code < 256; code++)
        {
            // A-law: even bits inverted; sign bit 1 = positive; segment s, quantisation step q:
            // |x| = (2q + 1) · 8 in segment 0, (2q + 33) · 2^(s + 2) otherwise (in 16-bit units).
            int a = code ^ 0x55;
            int s = (a >> 4) & 7, q = a & 15;
            double magnitude = s == 0 ? (2 * q + 1) * 8.0 : (2 * q + 33) * Math.Pow(2, s + 2);
            Assert.Equal((a & 0x80) != 0 ? magnitude : -magnitude, PcmDecoding.ALawToLinear((byte)code));

            // µ-law: all bits inverted; sign bit 1 = negative; |x| = ((2q + 33) · 2^s − 33) · 4 in 16-bit units.
            int u = ~code & 0xFF;
            int e = (u >> 4) & 7, m = u & 15;
            double mu = ((2 * m + 33) * Math.Pow(2, e) - 33) * 4;
            Assert.Equal((u & 0x80) != 0 ? -mu : mu, PcmDecoding.MuLawToLinear((byte)code));
        }
    }

    [Fact]
    public void Mel_filterbank_matches_the_triangle_formula_and_the_reference_matrix()
    {
        var bank = MelFilterbank.VGGish;
        var (reference, shape) = Fixtures.ReadNpy("vggish_mel_matrix.npy");
        Assert.Equal([257, 64], shape);
        static double Mel(double hz) => 1127.0 * Math.Log(1 + hz / 700.0);
        for (int band = 0; band < 64; band++)
        {
            double lower = Mel(125) + band * (Mel(7500) - Mel(125)) / 65;
            double center = Mel(125) + (band + 1) * (Mel(7500) - Mel(125)) / 65;
            double upper = Mel(125) + (band + 2) * (Mel(7500) - Mel(125)) / 65;
            for (int bin = 0; bin < 257; bin++)
            {
                double m = Mel(bin * 8000.0 / 256);
                double expected = bin == 0 ? 0 : Math.Max(0, Math.Min((m - lower) / (center - lower), (upper - m) / (upper - center)));
                Assert.Equal(expected, bank.Weight(bin, band), 1e-12);
                Assert.Equal(reference[bin * 64 + band], bank.Weight(bin, band), 1e-6);
            }
        }
        Assert.Equal(bank.Weight(100, 30), bank.ToMatrix()[100, 30]);
    }

    [Fact]
    public void Log_mel_frame_matches_a_brute_force_dft()
    {
        var random = new Random(5);
        var wave = new float[400 + 3 * 160];
        for (int i = 0; i < wave.Length; i++)
        {
            wave[i] = (float)(random.NextDouble() * 2 - 1) * 0.5f;
        }
        var logMel = VGGishLogMel.Compute(wave);
        Assert.Equal(4, logMel.GetLength(0));
        var bank = MelFilterbank.VGGish;
        for (int frame = 0; frame < 4; frame++)
        {
            var magnitude = new double[257];
            for (int k = 0; k < 257; k++)
            {
                double re = 0, im = 0;
                for (int n = 0; n < 400; n++)
                {
                    double x = wave[frame * 160 + n] * (0.5 - 0.5 * Math.Cos(2 * Math.PI * n / 400));
                    re += x * Math.Cos(2 * Math.PI * k * n / 512);
                    im -= x * Math.Sin(2 * Math.PI * k * n / 512);
                }
                magnitude[k] = Math.Sqrt(re * re + im * im);
            }
            for (int band = 0; band < 64; band++)
            {
                double mel = 0;
                for (int k = 0; k < 257; k++)
                {
                    mel += magnitude[k] * bank.Weight(k, band);
                }
                Assert.Equal(Math.Log(mel + 0.01), logMel[frame, band], 1e-5);
            }
        }
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(7)] // an incomplete final batch of four SIMD lanes
    [InlineData(250)]
    public void Simd_batched_log_mel_matches_the_nwaves_one_frame_at_a_time_path(int frames)
    {
        var random = new Random(frames);
        var wave = new float[frames == 0 ? 399 : 400 + (frames - 1) * 160 + 37];
        for (int i = 0; i < wave.Length; i++)
        {
            wave[i] = (float)((random.NextDouble() * 2 - 1) * (i % 3000 < 1500 ? 0.8 : 1e-4));
        }
        Assert.Equal(frames, VGGishLogMel.FrameCount(wave.Length));
        var simd = new float[frames * 64];
        var scalar = new float[frames * 64];
        VGGishLogMel.Compute(wave, simd, frames);
        VGGishLogMel.Compute(wave, scalar, frames, allowSimd: false);
        for (int i = 0; i < simd.Length; i++)
        {
            Assert.Equal(scalar[i], simd[i], 1e-5f);
        }
    }

    [Fact]
    public void Periodic_hann_and_frame_counts_follow_the_reference()
    {
        var hann = VGGishLogMel.PeriodicHann(400);
        Assert.Equal(0.0, hann[0]);
        Assert.Equal(1.0, hann[200], 1e-15);
        Assert.Equal(hann[1], hann[399], 1e-15); // periodic: symmetric about N/2, not (N-1)/2
        Assert.Equal(0, VGGishLogMel.FrameCount(399));
        Assert.Equal(1, VGGishLogMel.FrameCount(400));
        Assert.Equal(96, VGGishLogMel.FrameCount(VGGishFrontEnd.SamplesPerExample));
        Assert.Equal(95, VGGishLogMel.FrameCount(VGGishFrontEnd.SamplesPerExample - 1));
    }

    [Fact]
    public void Kaiser_best_table_matches_resampy()
    {
        var (expected, _) = Fixtures.ReadNpy("kaiser_best_every512.npy");
        var table = KaiserSincResampler.KaiserBest.HalfWindow;
        Assert.Equal(409601, table.Length);
        for (int i = 0; i < expected.Length; i++)
        {
            Assert.Equal(expected[i], table[i * 512], 1e-12);
        }
    }

    [Fact]
    public void Resampler_keeps_a_low_tone_and_removes_energy_above_the_new_nyquist()
    {
        const int from = 44100;
        var x = new float[from];
        for (int i = 0; i < x.Length; i++)
        {
            x[i] = (float)(0.5 * Math.Sin(2 * Math.PI * 1000 * i / from) + 0.5 * Math.Sin(2 * Math.PI * 12000 * i / from));
        }
        var y = KaiserSincResampler.KaiserBest.Resample(x, from, 16000);
        Assert.Equal(16000, y.Length);
        // Project the middle on the 1 kHz tone: amplitude 0.5 survives, the 12 kHz tone (above 8 kHz) is gone.
        double c = 0, s = 0, energy = 0;
        for (int i = 4000; i < 12000; i++)
        {
            c += y[i] * Math.Cos(2 * Math.PI * 1000 * i / 16000.0);
            s += y[i] * Math.Sin(2 * Math.PI * 1000 * i / 16000.0);
            energy += y[i] * (double)y[i];
        }
        double amplitude = 2 * Math.Sqrt(c * c + s * s) / 8000;
        Assert.Equal(0.5, amplitude, 1e-3);
        Assert.Equal(0.125, energy / 8000, 1e-3); // only the 1 kHz tone's power (0.5² / 2) is left
    }

    [Fact]
    public void Resampler_parameters_are_validated()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new KaiserSincResampler(0, 9, 0.9, 8));
        Assert.Throws<ArgumentOutOfRangeException>(() => new KaiserSincResampler(10, 9, 1.5, 8));
        Assert.Throws<ArgumentOutOfRangeException>(() => new KaiserSincResampler(10, 9, 0.9, double.NaN));
        Assert.Empty(KaiserSincResampler.KaiserBest.Resample([1f], 44100, 16000));
        Assert.Throws<ArgumentOutOfRangeException>(() => KaiserSincResampler.KaiserFast.Resample(new float[100_000], 10_000_000, 16000));
        Assert.Equal([1f, 2f], KaiserSincResampler.KaiserFast.Resample([1f, 2f], 16000, 16000));
    }
}
