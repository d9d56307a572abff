using Relax.Attribution;
using Relax.Classification;
using Relax.Models;
using Relax.Models.VGGish;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace Relax.Synthetic.Tests;

/// <summary>
/// LRP on the shipped default model, walked through <see cref="VGGishNetwork.FeatureLayers"/> and
/// <see cref="VGGishNetwork.EmbeddingLayers"/>: the value it explains is the model's own output (the head's logit of
/// the predicted class; the projection onto the unmasked embedding, i.e. its norm), so the layer walk is the network;
/// the map is finite and carries most of that value (its biases absorb the rest, reported).
/// </summary>
public sealed class LrpDefaultModelTests(ITestOutputHelper output)
{
    [Fact]
    public void The_explained_value_is_the_models_own_output_and_the_map_carries_it()
    {
        using var model = SyntheticAnimalModel.Load();
        var network = LrpNetwork.For(model)!;
        var head = (ILinearEmbeddingClassifier)model.Head!;
        foreach (var example in SyntheticExamples.Generate(1, SyntheticAnimalModel.HeldOutFirstSeed))
        {
            var embedding = model.Embedder.EmbedExamples([example.LogMel]);
            var z = Enumerable.Range(0, embedding.GetLength(1)).Select(j => (double)embedding[0, j]).ToArray();
            int predicted = head.Predict(embedding)[0];
            var (w, b) = head.Logit(predicted);
            double logit = w.Zip(z, (a, v) => a * v).Sum() + b;

            using var input = TensorArrays.FromArray2D(example.LogMel);
            var byLogit = new LrpAttribution(network, head, new LrpRules { DType = ScalarType.Float64 }).Explain(input);
            var byProjection = new LrpAttribution(network, rules: new LrpRules { DType = ScalarType.Float64 }).Explain(input);
            output.WriteLine($"{example.Label}: logit {logit:F5} vs LRP's {byLogit.Output:F5} (class {byLogit.TargetClass}), Σ R {byLogit.RelevanceSum:F5}, conservation error {byLogit.ConservationError:P1}; "
                + $"‖h‖ {Math.Sqrt(z.Sum(v => v * v)):F5} vs {byProjection.Output:F5}, Σ R {byProjection.RelevanceSum:F5}, error {byProjection.ConservationError:P1}");

            Assert.Equal(predicted, byLogit.TargetClass);
            Assert.Equal(logit, byLogit.Output, 1e-4 * Math.Max(1, Math.Abs(logit)));
            Assert.Equal(Math.Sqrt(z.Sum(v => v * v)), byProjection.Output, 1e-4 * byProjection.Output);
            foreach (var e in new[] { byLogit, byProjection })
            {
                Assert.All(e.Map.Cast<float>(), v => Assert.True(float.IsFinite(v)));
                Assert.Contains(e.Map.Cast<float>(), v => v != 0);
                Assert.True(e.ConservationError < 0.2, $"{e.Target}: {e.ConservationError:P1} of the output absorbed");
            }
        }
    }
}
