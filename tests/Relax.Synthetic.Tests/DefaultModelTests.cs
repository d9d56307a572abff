using Relax.Classification;
using Relax.Evaluation;
using Relax.Masks;
using Relax.Models;
using Relax.Models.VGGish;
using Xunit.Abstractions;

namespace Relax.Synthetic.Tests;

/// <summary>The shipped default model, and the ground-truth localisation check that its synthetic world allows.</summary>
public class DefaultModelTests(ITestOutputHelper output)
{
    [Fact]
    public void The_shipped_model_classifies_held_out_generated_clips()
    {
        using var model = SyntheticAnimalModel.LoadClassifier();
        var clips = SyntheticExamples.Generate(20, SyntheticAnimalModel.HeldOutFirstSeed + 500);
        var x = clips.SelectMany(c => c.LogMel.Cast<float>()).ToArray();
        var y = clips.Select(c => (int)c.Label).ToArray();
        double accuracy = ClassifierTrainer.Accuracy(model, x, y);
        output.WriteLine($"held-out accuracy {accuracy:P1} on {y.Length} clips");
        Assert.True(accuracy >= 0.95, $"accuracy {accuracy:P1}");
        Assert.Contains("not Google's VGGish", SyntheticAnimalModel.Identity, StringComparison.Ordinal);
    }

    [Fact]
    public void The_embedder_and_head_agree_with_the_classifier()
    {
        using var classifier = SyntheticAnimalModel.LoadClassifier();
        using var parts = SyntheticAnimalModel.Load();
        var clips = SyntheticExamples.Generate(3, 777);
        var x = clips.SelectMany(c => c.LogMel.Cast<float>()).ToArray();
        var embeddings = parts.Embedder.EmbedExamples([.. clips.Select(c => c.LogMel)]);
        var viaHead = parts.Head!.PredictProbabilities(embeddings);
        var direct = ClassifierTrainer.Predict(classifier, x, clips.Count);
        for (int i = 0; i < clips.Count; i++)
        {
            Assert.Equal(direct[i], Enumerable.Range(0, 3).MaxBy(c => viaHead[i, c]));
        }
    }

    [Fact]
    public void Training_runs_and_learns_at_tiny_settings()
    {
        var clips = SyntheticExamples.Generate(8, 123);
        var x = clips.SelectMany(c => c.LogMel.Cast<float>()).ToArray();
        var y = clips.Select(c => (int)c.Label).ToArray();
        var reports = new List<TrainingProgress>();
        using var model = ClassifierTrainer.Train(VGGishArchitecture.Compact, x, y, 3, new TrainingOptions { Epochs = 3, BatchSize = 8, Seed = 5 },
            new Collect<TrainingProgress>(reports));
        Assert.Equal(3, reports.Count);
        Assert.True(reports[^1].Loss < reports[0].Loss, $"loss {reports[0].Loss:F3} → {reports[^1].Loss:F3}");
        Assert.Throws<ArgumentException>(() => ClassifierTrainer.Train(VGGishArchitecture.Compact, x, y.Select(v => v + 3).ToArray(), 3));
    }

    [Fact]
    public void Time_frequency_relax_puts_more_saliency_on_the_planted_evidence_than_a_random_map()
    {
        using var parts = SyntheticAnimalModel.Load();
        var clips = SyntheticExamples.Generate(2, SyntheticAnimalModel.HeldOutFirstSeed + 900);
        var random = new Random(1);
        var scores = new Dictionary<string, List<LocalisationScore>>();
        foreach (var name in new[] { "time-frequency", "random-grid", "time", "frequency", "pixel" })
        {
            var explainer = new RelaxExplainer(parts.Embedder, MaskGenerators.Create(name), new RelaxOptions { MaskCount = 384, BatchSize = 64, Seed = 3 });
            scores[name] = clips.Select(c => RelevanceMass.Score(explainer.Explain(c.LogMel).Saliency, c.Evidence)).ToList();
        }
        scores["random map"] = clips.Select(c =>
        {
            var map = new float[96, 64];
            for (int t = 0; t < 96; t++)
            {
                for (int b = 0; b < 64; b++)
                {
                    map[t, b] = (float)random.NextDouble();
                }
            }
            return RelevanceMass.Score(map, c.Evidence);
        }).ToList();

        foreach (var (name, list) in scores)
        {
            output.WriteLine($"{name,-15} relevance mass inside evidence {list.Average(s => s.MassInside):P1} (area {list.Average(s => s.AreaInside):P1}, gain {list.Average(s => s.Gain):F2})");
        }
        double relax = scores["time-frequency"].Average(s => s.MassInside);
        double baseline = scores["random map"].Average(s => s.MassInside);
        Assert.True(relax > baseline + 0.1, $"time-frequency RELAX {relax:P1} vs random map {baseline:P1}");
    }

    private sealed class Collect<T>(List<T> into) : IProgress<T>
    {
        public void Report(T value) => into.Add(value);
    }
}
