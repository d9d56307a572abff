using Relax.Audio;

namespace Relax.Synthetic;

/// <summary>Turns generated clips into VGGish log-mel examples with ground-truth evidence masks.</summary>
public static class SyntheticExamples
{
    /// <summary>The first VGGish example of <paramref name="clip"/>, and where its class evidence lies.</summary>
    /// <exception cref="ArgumentException">The clip is shorter than one example (0.975 s).</exception>
    public static LabelledExample FromClip(SyntheticClip clip)
    {
        ArgumentNullException.ThrowIfNull(clip);
        var examples = new VGGishFrontEnd().FromWaveform(clip.Samples, clip.SampleRate, $"synthetic {clip.Label}");
        if (examples.IsEmpty)
        {
            throw new ArgumentException($"The clip lasts {clip.DurationSeconds:F3} s; one VGGish example needs 0.975 s.", nameof(clip));
        }
        const int frames = LogMelExamples.FramesPerExample, bands = LogMelExamples.MelBands;
        var logMel = examples.ExampleMatrix(0);
        var evidence = new bool[frames, bands];
        var centres = MelFilterbank.VGGish.CentreHertz;
        for (int t = 0; t < frames; t++)
        {
            double seconds = (t * VGGishLogMel.HopLength + VGGishLogMel.WindowLength / 2.0) / VGGishLogMel.SampleRate;
            for (int b = 0; b < bands; b++)
            {
                evidence[t, b] = clip.IsEvidence(seconds, centres[b]);
            }
        }
        return new LabelledExample(logMel, clip.Label, evidence, clip);
    }

    /// <summary>Generates <paramref name="perClass"/> labelled examples of every class (interleaved), seeds from
    /// <paramref name="firstSeed"/>.</summary>
    public static IReadOnlyList<LabelledExample> Generate(int perClass, int firstSeed = 0, SynthesizerOptions? options = null)
    {
        var synthesizer = new AnimalSoundSynthesizer(options);
        return synthesizer.GenerateSet(perClass, firstSeed).Select(FromClip).ToList();
    }
}
