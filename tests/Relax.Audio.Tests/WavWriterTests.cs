namespace Relax.Audio.Tests;

public class WavWriterTests
{
    [Fact]
    public void Written_pcm16_reads_back_within_one_quantisation_step()
    {
        var samples = Enumerable.Range(0, 1000).Select(i => (float)Math.Sin(i * 0.05) * 0.8f).ToArray();
        var path = Path.Combine(Path.GetTempPath(), $"relax-wav-{Guid.NewGuid():N}.wav");
        try
        {
            WavWriter.WritePcm16(path, samples, 22050);
            var audio = WavReader.Read(path);
            Assert.Equal(22050, audio.SampleRate);
            Assert.Equal(1, audio.Channels);
            var mono = audio.ToMono();
            Assert.Equal(samples.Length, mono.Length);
            Assert.All(samples.Zip(mono), p => Assert.InRange(Math.Abs(p.First - p.Second), 0, 0.5 / 32768 + 1e-9));
        }
        finally
        {
            File.Delete(path);
        }
        Assert.Throws<ArgumentException>(() => WavWriter.WritePcm16(path, new[] { float.NaN }, 16000));
        Assert.Throws<ArgumentOutOfRangeException>(() => WavWriter.WritePcm16(path, new float[1], 10));
    }
}
