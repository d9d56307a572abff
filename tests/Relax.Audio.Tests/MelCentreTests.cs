namespace Relax.Audio.Tests;

public class MelCentreTests
{
    [Fact]
    public void Band_centres_are_the_inner_mel_edges_and_the_peak_of_each_triangle()
    {
        var bank = MelFilterbank.Vggish;
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
