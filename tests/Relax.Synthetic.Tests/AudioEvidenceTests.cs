using Relax.Audio;
using Relax.Masks;
using Xunit.Abstractions;

namespace Relax.Synthetic.Tests;

/// <summary>
/// Audio-domain faithfulness of RELAX on generated clips of the default model: the evidence (the 20 % most salient
/// cells) is rendered as sound with <see cref="EvidenceAudio"/> and everything is re-embedded through the whole
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
        var random = new Random(11);
        var removed = new List<(double Evidence, double Random)>();
        var kept = new List<(double Evidence, double Random)>();
        foreach (var kind in new[] { AnimalClass.Dog, AnimalClass.Cat, AnimalClass.Bird })
        {
            for (int seed = 0; seed < 2; seed++)
            {
                var clip = synthesizer.Generate(kind, SyntheticAnimalModel.HeldOutFirstSeed + 100 + seed);
                var examples = frontEnd.FromWaveform(clip.Samples, clip.SampleRate);
                var audio = examples.ExampleWaveform(0);
                var saliency = new RelaxExplainer(model.Embedder, new TimeFrequencyMasks(8, 4), new RelaxOptions { MaskCount = 400, Seed = seed })
                    .Explain(examples.ExampleMatrix(0)).Saliency;

                var evidence = EvidenceAudio.TopCells(saliency, 0.2);
                var randomCells = EvidenceAudio.TopCells(Noise(random), 0.2);
                var original = Embed(model, frontEnd, audio);
                var (evidenceOnly, withoutEvidence) = EvidenceAudio.Split(audio, evidence);
                var (randomOnly, withoutRandom) = EvidenceAudio.Split(audio, randomCells);
                removed.Add((Cosine(original, Embed(model, frontEnd, withoutEvidence)), Cosine(original, Embed(model, frontEnd, withoutRandom))));
                kept.Add((Cosine(original, Embed(model, frontEnd, evidenceOnly)), Cosine(original, Embed(model, frontEnd, randomOnly))));
            }
        }
        double removedEvidence = removed.Average(r => r.Evidence), removedRandom = removed.Average(r => r.Random);
        double keptEvidence = kept.Average(k => k.Evidence), keptRandom = kept.Average(k => k.Random);
        output.WriteLine($"cosine to the original embedding, mean over {removed.Count} clips: without evidence {removedEvidence:F4} vs without random cells {removedRandom:F4}; evidence only {keptEvidence:F4} vs random cells only {keptRandom:F4}");
        Assert.True(removedEvidence < removedRandom, $"without evidence {removedEvidence:F4} is not below without random cells {removedRandom:F4}");
        Assert.True(keptEvidence > keptRandom, $"evidence only {keptEvidence:F4} is not above random cells only {keptRandom:F4}");
    }

    private static float[,] Noise(Random random)
    {
        var map = new float[96, 64];
        for (int t = 0; t < 96; t++)
        {
            for (int m = 0; m < 64; m++)
            {
                map[t, m] = (float)random.NextDouble();
            }
        }
        return map;
    }

    /// <summary>The whole pipeline on 16 kHz audio: front end, then the model (one example).</summary>
    private static float[] Embed(LoadedModel model, VGGishFrontEnd frontEnd, float[] audio)
    {
        var examples = frontEnd.FromWaveform(audio, VGGishLogMel.SampleRate);
        var embedding = model.Embedder.Embed(examples.Example(0).ToArray(), 1);
        return Enumerable.Range(0, embedding.GetLength(1)).Select(c => embedding[0, c]).ToArray();
    }

    private static double Cosine(float[] a, float[] b)
    {
        double ab = 0, aa = 0, bb = 0;
        for (int i = 0; i < a.Length; i++)
        {
            ab += a[i] * b[i];
            aa += a[i] * a[i];
            bb += b[i] * b[i];
        }
        return ab / Math.Sqrt(aa * bb);
    }
}
