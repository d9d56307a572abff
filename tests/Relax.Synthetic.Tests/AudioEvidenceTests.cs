using Relax.Audio;
using Relax.Evaluation;
using Relax.Masks;
using Xunit.Abstractions;

namespace Relax.Synthetic.Tests;

/// <summary>
/// Audio-domain faithfulness of RELAX on generated clips of the default model: the evidence (the 20 % most salient
/// cells) is rendered as sound with <see cref="EvidenceAudio"/> and everything is re-embedded (<see cref="AudioFaithfulness"/>) through the whole
/// pipeline (front end on the rendered 16 kHz audio, then the model). Removing the evidence must move the embedding
/// further from the original than removing random cells of the same area, and keeping only the evidence must keep it
/// closer than keeping random cells — in the mean over clips (two per class).
/// </summary>
public sealed class AudioEvidenceTests(ITestOutputHelper output)
{
    [Fact]
    public void Removing_the_evidence_moves_the_embedding_more_than_removing_random_cells_and_keeping_it_keeps_it_closer()
    {
        using var model = SyntheticAnimalModel.Load();
        var frontEnd = new VGGishFrontEnd();
        var synthesizer = new AnimalSoundSynthesizer(new SynthesizerOptions { DurationSeconds = 1 });
        var scorer = new AudioFaithfulness(model.Embedder, new AudioFaithfulnessOptions { EvidenceFraction = 0.2, RandomDraws = 2 });
        var scores = new List<AudioScores>();
        foreach (var kind in new[] { AnimalClass.Dog, AnimalClass.Cat, AnimalClass.Bird })
        {
            for (int seed = 0; seed < 2; seed++)
            {
                var clip = synthesizer.Generate(kind, SyntheticAnimalModel.HeldOutFirstSeed + 100 + seed);
                var examples = frontEnd.FromWaveform(clip.Samples, clip.SampleRate);
                var saliency = new RelaxExplainer(model.Embedder, new TimeFrequencyMasks(8, 4), new RelaxOptions { MaskCount = 400, Seed = seed })
                    .Explain(examples.ExampleMatrix(0)).Saliency;
                scores.Add(scorer.Score(examples.ExampleWaveform(0), [saliency], $"{kind}-{seed}"));
            }
        }
        double removedEvidence = scores.Average(s => s.WithoutEvidence[0]), removedRandom = scores.Average(s => s.WithoutRandom);
        double keptEvidence = scores.Average(s => s.EvidenceOnly[0]), keptRandom = scores.Average(s => s.RandomOnly);
        output.WriteLine($"cosine to the original embedding, mean over {scores.Count} clips: without evidence {removedEvidence:F4} vs without random cells {removedRandom:F4}; evidence only {keptEvidence:F4} vs random cells only {keptRandom:F4}");
        Assert.True(removedEvidence < removedRandom, $"without evidence {removedEvidence:F4} is not below without random cells {removedRandom:F4}");
        Assert.True(keptEvidence > keptRandom, $"evidence only {keptEvidence:F4} is not above random cells only {keptRandom:F4}");
    }
}
