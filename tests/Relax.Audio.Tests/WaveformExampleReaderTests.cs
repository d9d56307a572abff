namespace Relax.Audio.Tests;

/// <summary>A waveform model's examples from a WAV file: slices of the file's own samples at its rate, channels
/// averaged, the tail dropped or padded, the resampled signal cut as the whole converted signal would be.</summary>
public sealed class WaveformExampleReaderTests : IDisposable
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "relax-wave-examples-" + Guid.NewGuid().ToString("N"));

    public WaveformExampleReaderTests() => Directory.CreateDirectory(_folder);

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    /// <summary>A float WAV of the given interleaved samples.</summary>
    private string Wav(string name, int rate, int channels, float[] interleaved)
    {
        var path = Path.Combine(_folder, name);
        File.WriteAllBytes(path, new WavBuilder().Chunk("fmt ", WavBuilder.Format(3, channels, rate, 32)).Chunk("data", WavBuilder.Float32(interleaved)).Build());
        return path;
    }

    private static float[] Ramp(int count) => Enumerable.Range(0, count).Select(i => (float)Math.Sin(i * 0.01) * 0.5f).ToArray();

    [Fact]
    public void Examples_are_the_files_samples_every_hop_and_the_tail_is_dropped_unless_padded()
    {
        var x = Ramp(40_500); // 2.53 s at 16 kHz
        var path = Wav("mono.wav", 16_000, 1, x);

        var examples = new WaveformExampleReader(16_000, 16_000, 8_000).Read(path).ToList();
        Assert.Equal(4, examples.Count); // starts 0, 0.5, 1, 1.5 s; 2 s would end past the file
        for (int k = 0; k < examples.Count; k++)
        {
            Assert.Equal(x.AsSpan(k * 8_000, 16_000).ToArray(), examples[k]);
        }

        var padded = new WaveformExampleReader(16_000, 16_000, 16_000, padFinalExample: true).Read(path).ToList();
        Assert.Equal(3, padded.Count);
        Assert.Equal(x.AsSpan(32_000).ToArray(), padded[2].AsSpan(0, 8_500).ToArray());
        Assert.All(padded[2].AsSpan(8_500).ToArray(), v => Assert.Equal(0f, v));
        Assert.Equal(1.0, new WaveformExampleReader(16_000, 16_000, 16_000).StartSeconds(1));

        // Exactly whole examples leave nothing to pad; a recording shorter than one example gives none, or one padded.
        Assert.Equal(2, new WaveformExampleReader(16_000, 20_250, 20_250, padFinalExample: true).Read(path).Count());
        var shortPath = Wav("short.wav", 16_000, 1, Ramp(5_000));
        Assert.Empty(new WaveformExampleReader(16_000, 16_000, 16_000).Read(shortPath));
        var one = Assert.Single(new WaveformExampleReader(16_000, 16_000, 16_000, padFinalExample: true).Read(shortPath));
        Assert.Equal(Ramp(5_000), one.AsSpan(0, 5_000).ToArray());
    }

    [Fact]
    public void Channels_are_averaged_and_another_rate_is_converted_as_the_whole_signal_would_be()
    {
        var left = Ramp(44_100 * 2);
        var right = left.Select((v, i) => i % 7 == 0 ? -v : 0.25f).ToArray();
        var path = Wav("stereo.wav", 44_100, 2, left.Zip(right).SelectMany(p => new[] { p.First, p.Second }).ToArray());
        var mono = left.Zip(right, (a, b) => (a + b) / 2).ToArray();
        var converted = KaiserSincResampler.KaiserBest.Resample(mono, 44_100, 16_000); // 32 000 samples

        var warnings = new List<string>();
        var examples = new WaveformExampleReader(16_000, 12_000, 5_000).Read(path, warnings.Add).ToList();
        Assert.Equal(1 + (converted.Length - 12_000) / 5_000, examples.Count);
        for (int k = 0; k < examples.Count; k++)
        {
            Assert.Equal(converted.AsSpan(k * 5_000, 12_000).ToArray(), examples[k]); // bit for bit, whatever the blocks
        }
        Assert.Empty(warnings);
    }

    [Fact]
    public void Settings_out_of_range_and_a_file_that_is_not_wave_are_refused()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new WaveformExampleReader(999, 16_000, 16_000));
        Assert.Throws<ArgumentOutOfRangeException>(() => new WaveformExampleReader(16_000, 0, 1));
        Assert.Throws<ArgumentOutOfRangeException>(() => new WaveformExampleReader(16_000, 16_000, 16_001));
        Assert.Throws<ArgumentOutOfRangeException>(() => new WaveformExampleReader(16_000, WaveformExampleReader.MaxSamplesPerExample + 1, 1));
        var junk = Path.Combine(_folder, "junk.wav");
        File.WriteAllText(junk, "not a wave file at all");
        var e = Assert.Throws<InvalidDataException>(() => new WaveformExampleReader(16_000, 16_000, 16_000).Read(junk));
        Assert.Contains(junk, e.Message, StringComparison.Ordinal);
    }
}
