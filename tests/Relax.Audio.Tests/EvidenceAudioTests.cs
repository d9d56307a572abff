namespace Relax.Audio.Tests;

/// <summary>Rendering an explanation as sound: the two renderings sum to the example's audio, keeping every cell gives
/// the audio back, keeping none gives silence, and keeping the mel bands of one of two tones keeps that tone only.</summary>
public sealed class EvidenceAudioTests
{
    private const int Samples = VGGishFrontEnd.SamplesPerExample;

    /// <summary>500 Hz in the first half, 3 kHz in the second, both 0.3.</summary>
    private static float[] TwoTones() => Enumerable.Range(0, Samples)
        .Select(n => (float)(0.3 * Math.Sin(2 * Math.PI * (n < Samples / 2 ? 500 : 3000) * n / 16000.0))).ToArray();

    private static bool[,] Cells(Func<int, int, bool> keep)
    {
        var mask = new bool[96, 64];
        for (int t = 0; t < 96; t++)
        {
            for (int m = 0; m < 64; m++)
            {
                mask[t, m] = keep(t, m);
            }
        }
        return mask;
    }

    private static double Energy(ReadOnlySpan<float> x, int from, int to)
    {
        double sum = 0;
        for (int i = from; i < to; i++)
        {
            sum += x[i] * x[i];
        }
        return sum;
    }

    [Fact]
    public void The_two_renderings_sum_to_the_examples_audio()
    {
        var audio = TwoTones();
        var random = new Random(4);
        var (evidence, without) = EvidenceAudio.Split(audio, Cells((_, _) => random.NextDouble() < 0.2));
        double worst = Enumerable.Range(0, Samples).Max(i => Math.Abs(evidence[i] + without[i] - audio[i]));
        Assert.True(worst < 1e-6, $"max |evidence + without − audio| = {worst:E2}");
    }

    [Fact]
    public void Keeping_every_cell_gives_the_audio_back_and_keeping_none_gives_silence()
    {
        // Both tones lie inside the filterbank's 125–7500 Hz. Compared away from the ends (which one tapering window
        // covers) and from the switch between the tones (broadband, partly outside the filterbank).
        var audio = TwoTones();
        var (all, _) = EvidenceAudio.Split(audio, Cells((_, _) => true));
        var interior = Enumerable.Range(400, Samples - 800).Where(i => Math.Abs(i - Samples / 2) > 400).ToList();
        double worst = interior.Max(i => Math.Abs(all[i] - audio[i]));
        Assert.True(worst < 1e-3, $"max |evidence − audio| with every cell kept = {worst:E2}");
        var (none, rest) = EvidenceAudio.Split(audio, Cells((_, _) => false));
        Assert.All(none, v => Assert.Equal(0f, v));
        Assert.Equal(audio, rest);
    }

    [Fact]
    public void Keeping_the_bands_of_one_tone_keeps_that_tone_only()
    {
        var audio = TwoTones();
        var bank = MelFilterbank.VGGish;
        // The mel bands whose centre lies within 20 % of 3 kHz, over every frame.
        var near3k = Enumerable.Range(0, 64).Where(m => Math.Abs(bank.CentreHertz[m] - 3000) < 600).ToHashSet();
        var (evidence, without) = EvidenceAudio.Split(audio, Cells((_, m) => near3k.Contains(m)));
        int half = Samples / 2;
        // Away from the switch (±25 ms): the 500 Hz half is gone from the evidence, the 3 kHz half is in it.
        Assert.True(Energy(evidence, 400, half - 400) < 0.01 * Energy(audio, 400, half - 400), "500 Hz leaks into the evidence");
        Assert.True(Energy(evidence, half + 400, Samples - 400) > 0.9 * Energy(audio, half + 400, Samples - 400), "3 kHz is missing from the evidence");
        Assert.True(Energy(without, half + 400, Samples - 400) < 0.1 * Energy(audio, half + 400, Samples - 400), "3 kHz stays in the rest");
    }

    [Fact]
    public void Top_cells_keep_exactly_the_fraction_asked_for()
    {
        var saliency = new float[96, 64];
        for (int t = 0; t < 96; t++)
        {
            for (int m = 0; m < 64; m++)
            {
                saliency[t, m] = t == 10 ? 5 : (t * 64 + m) % 7;   // ties everywhere but frame 10
            }
        }
        var keep = EvidenceAudio.TopCells(saliency, 0.2);
        Assert.Equal((int)Math.Round(0.2 * 96 * 64), keep.Cast<bool>().Count(k => k));
        Assert.All(Enumerable.Range(0, 64), m => Assert.True(keep[10, m] || saliency[10, m] <= 6));
        Assert.Throws<ArgumentOutOfRangeException>(() => EvidenceAudio.TopCells(saliency, 0));
    }

    [Fact]
    public void The_front_end_keeps_the_16_khz_waveform_of_every_example()
    {
        var audio = TwoTones().Concat(TwoTones()).ToArray();
        var examples = new VGGishFrontEnd(new VGGishFrontEndOptions { ExampleHopFrames = 48 }).FromWaveform(audio, 16000);
        Assert.Equal(audio.Skip(48 * 160 * 2).Take(Samples), examples.ExampleWaveform(2));
        // Its log-mel is the example's: the front end on the example's own samples gives the same values.
        var again = new VGGishFrontEnd().FromWaveform(examples.ExampleWaveform(2), 16000);
        Assert.Equal(examples.Example(2).ToArray(), again.Example(0).ToArray());
    }
}
