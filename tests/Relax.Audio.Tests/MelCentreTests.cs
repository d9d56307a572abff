namespace Relax.Audio.Tests;

public class MelCentreTests
{
    [Fact]
    public void Band_centres_are_the_inner_mel_edges_and_the_peak_of_each_triangle()
    {
        var bank = MelFilterbank.VGGish;
        Assert.Equal(64, bank.CentreHertz.Count);
        // Inner edges of 66 points equally spaced in HTK mel between 125 and 7500 Hz.
        double low = 1127 * Math.Log(1 + 125 / 700.0), high = 1127 * Math.Log(1 + 7500 / 700.0);
        for (int b = 0; b < 64; b++)
        {
            double mel = low + (b + 1) * (high - low) / 65;
            Assert.Equal(700 * (Math.Exp(mel / 1127) - 1), bank.CentreHertz[b], 9);
        }
        // The FFT bin nearest a band's centre carries (nearly) its largest weight.
        for (int b = 8; b < 64; b += 8)
        {
            int nearest = (int)Math.Round(bank.CentreHertz[b] / 8000 * 256);
            int heaviest = Enumerable.Range(0, 257).MaxBy(k => bank.Weight(k, b));
            Assert.InRange(heaviest, nearest - 1, nearest + 1);
        }
        Assert.Equal(125.0, MelFilterbank.MelToHertz(MelFilterbank.HertzToMel(125.0)), 9);
    }
}

public class ExampleMatrixTests
{
    [Fact]
    public void Example_matrix_is_the_frame_major_slice_of_the_values()
    {
        var waveform = Enumerable.Range(0, 40000).Select(i => (float)Math.Sin(i * 0.01) * 0.3f).ToArray();
        var examples = new VGGishFrontEnd().FromWaveform(waveform, 16000);
        Assert.Equal(2, examples.Count);
        var matrix = examples.ExampleMatrix(1);
        for (int t = 0; t < 96; t += 7)
        {
            for (int b = 0; b < 64; b += 5)
            {
                Assert.Equal(examples[1, t, b], matrix[t, b]);
            }
        }
        Assert.Throws<ArgumentOutOfRangeException>(() => examples.ExampleMatrix(2));
    }
}
