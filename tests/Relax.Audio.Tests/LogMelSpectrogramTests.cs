namespace Relax.Audio.Tests;

/// <summary>Log-mel analysis with a model card's values: against the Python reference of the published algorithm
/// (tools/reference/card_logmel_reference.py) for an FFT size that is not a power of two, against VGGish's own front
/// end with VGGish's values, the evidence split with another analysis, and the values refused.</summary>
public sealed class LogMelSpectrogramTests
{
    private static string Reference(string file) =>
        Path.Combine(Fixtures.RepositoryRoot() ?? throw new DirectoryNotFoundException("Relax.sln not found above the tests"), "tools", "reference", "models", file);

    [Fact]
    public void Another_analysis_equals_the_python_reference_of_the_published_algorithm()
    {
        var (wave, _) = Fixtures.ReadNpy(Reference("card-odd-fft-waveform.npy"));
        var (expected, shape) = Fixtures.ReadNpy(Reference("card-odd-fft-logmel.npy"));
        var analysis = new LogMelSpectrogram(22_050, 551, 220, 600, 40, 0, 11_025, 1e-3);
        var actual = analysis.Compute(wave.Select(v => (float)v).ToArray());
        Assert.Equal((shape[0], shape[1]), (actual.GetLength(0), actual.GetLength(1)));
        Assert.Equal(98, analysis.FrameCount(wave.Length));
        double max = 0, sum = 0;
        for (int t = 0; t < shape[0]; t++)
        {
            for (int b = 0; b < shape[1]; b++)
            {
                double d = Math.Abs(actual[t, b] - expected[t * shape[1] + b]);
                (max, sum) = (Math.Max(max, d), sum + d);
            }
        }
        // Float32 in and out, float64 inside both: the tolerances of the VGGish parity tests.
        Assert.True(max <= 1e-3 && sum / expected.Length <= 1e-4, $"max |Δ| {max:E2}, mean {sum / expected.Length:E2}");
    }

    [Fact]
    public void With_vggish_values_it_is_vggish_log_mel()
    {
        var random = new Random(2);
        var x = Enumerable.Range(0, 16_000).Select(i => (float)(0.3 * Math.Sin(i * 0.07) + 0.1 * (2 * random.NextDouble() - 1))).ToArray();
        var general = LogMelSpectrogram.VGGish.Compute(x);
        var vggish = VGGishLogMel.Compute(x);
        Assert.Equal((vggish.GetLength(0), vggish.GetLength(1)), (general.GetLength(0), general.GetLength(1)));
        Assert.True(general.Cast<float>().Zip(vggish.Cast<float>()).Max(p => Math.Abs(p.First - p.Second)) < 1e-4);
        Assert.Equal(LogMelSpectrogram.VGGish.Filterbank.CentreHertz, MelFilterbank.VGGish.CentreHertz);
    }

    [Fact]
    public void The_evidence_of_another_analysis_sums_to_the_audio_and_keeping_every_cell_gives_it_back()
    {
        // 32 kHz, PANNs-like values; bands over the whole spectrum but DC, so every cell kept keeps (nearly) everything.
        var analysis = new LogMelSpectrogram(32_000, 1024, 320, 1024, 64, 0, 16_000, 1e-6);
        int samples = (int)analysis.SamplesFor(96);
        var x = Enumerable.Range(0, samples).Select(n => (float)(0.3 * Math.Sin(2 * Math.PI * 1000 * n / 32_000.0))).ToArray();
        var all = new bool[96, 64];
        for (int t = 0; t < 96; t++)
        {
            for (int m = 0; m < 64; m++)
            {
                all[t, m] = true;
            }
        }
        var (evidence, without) = EvidenceAudio.Split(x, all, analysis);
        Assert.True(x.Select((v, i) => Math.Abs(v - evidence[i] - without[i])).Max() < 1e-6);
        // Away from the first and last window, where one tapering window covers the signal.
        Assert.True(Enumerable.Range(1024, samples - 2048).Max(i => Math.Abs(x[i] - evidence[i])) < 1e-3);
        var (none, rest) = EvidenceAudio.Split(x, new bool[96, 64], analysis);
        Assert.All(none, v => Assert.Equal(0f, v));
        Assert.Equal(x, rest);
        Assert.Throws<ArgumentException>(() => EvidenceAudio.Split(x, new bool[96, 40], analysis));
    }

    [Fact]
    public void Values_out_of_range_are_refused()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new LogMelSpectrogram(16_000, 400, 160, 256, 64, 125, 7500, 0.01));  // FFT under the window
        Assert.Throws<ArgumentOutOfRangeException>(() => new LogMelSpectrogram(16_000, 400, 401, 512, 64, 125, 7500, 0.01));  // hop over the window
        Assert.Throws<ArgumentOutOfRangeException>(() => new LogMelSpectrogram(16_000, 400, 160, 512, 64, 125, 8001, 0.01));  // over Nyquist
        Assert.Throws<ArgumentOutOfRangeException>(() => new LogMelSpectrogram(16_000, 400, 160, 512, 64, 7500, 7500, 0.01)); // empty range
        Assert.Throws<ArgumentOutOfRangeException>(() => new LogMelSpectrogram(16_000, 400, 160, 512, 0, 125, 7500, 0.01));
        Assert.Throws<ArgumentOutOfRangeException>(() => new LogMelSpectrogram(16_000, 400, 160, 512, 64, 125, 7500, 0));
        Assert.Equal(0, LogMelSpectrogram.VGGish.FrameCount(399));
        Assert.Equal(15_600, LogMelSpectrogram.VGGish.SamplesFor(96));
    }
}
