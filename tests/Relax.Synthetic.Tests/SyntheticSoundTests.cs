namespace Relax.Synthetic.Tests;

public class SyntheticSoundTests
{
    [Fact]
    public void The_same_seed_gives_the_same_clip_and_classes_differ()
    {
        var synthesizer = new AnimalSoundSynthesizer();
        Assert.Equal(synthesizer.Generate(AnimalClass.Bird, 3).Samples, synthesizer.Generate(AnimalClass.Bird, 3).Samples);
        Assert.NotEqual(synthesizer.Generate(AnimalClass.Bird, 3).Samples, synthesizer.Generate(AnimalClass.Bird, 4).Samples);
        Assert.NotEqual(synthesizer.Generate(AnimalClass.Bird, 3).Samples, synthesizer.Generate(AnimalClass.Dog, 3).Samples);
    }

    [Theory]
    [InlineData(AnimalClass.Dog)]
    [InlineData(AnimalClass.Cat)]
    [InlineData(AnimalClass.Bird)]
    public void Evidence_regions_hold_the_planted_energy(AnimalClass label)
    {
        for (int seed = 0; seed < 10; seed++)
        {
            var example = SyntheticExamples.FromClip(new AnimalSoundSynthesizer().Generate(label, seed));
            double inside = 0, outside = 0;
            int nIn = 0, nOut = 0;
            for (int t = 0; t < 96; t++)
            {
                for (int b = 0; b < 64; b++)
                {
                    if (example.Evidence[t, b])
                    {
                        inside += example.LogMel[t, b];
                        nIn++;
                    }
                    else
                    {
                        outside += example.LogMel[t, b];
                        nOut++;
                    }
                }
            }
            Assert.True(nIn > 20, $"{label} {seed}: only {nIn} evidence cells");
            Assert.True(nIn < 96 * 64 / 2, $"{label} {seed}: {nIn} evidence cells is most of the example");
            // Log-mel (natural log): the planted sound is several times louder than the background where it lies.
            Assert.True(inside / nIn > outside / nOut + 1.0, $"{label} {seed}: mean log-mel inside {inside / nIn:F2}, outside {outside / nOut:F2}");
        }
    }

    [Fact]
    public void Clips_are_in_range_and_options_are_checked()
    {
        foreach (var clip in new AnimalSoundSynthesizer().GenerateSet(3))
        {
            Assert.All(clip.Samples, s => Assert.InRange(s, -1f, 1f));
            Assert.Equal(16000, clip.Samples.Length);
        }
        Assert.Throws<ArgumentOutOfRangeException>(() => new SynthesizerOptions { SampleRate = 8000 });
        Assert.Throws<ArgumentOutOfRangeException>(() => new SynthesizerOptions { DurationSeconds = 0.1 });
        Assert.Throws<ArgumentOutOfRangeException>(() => new SynthesizerOptions { SoundLevel = 1.5 });
        Assert.Throws<ArgumentException>(() => SyntheticExamples.FromClip(new SyntheticClip(new float[8000], 16000, AnimalClass.Cat, [])));
    }
}
