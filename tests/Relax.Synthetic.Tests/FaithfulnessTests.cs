using Relax.Attribution;
using Relax.Evaluation;
using Relax.Masks;
using Xunit.Abstractions;

namespace Relax.Synthetic.Tests;

/// <summary>Pixel flipping on the shipped default model and its generated clips (issue 6's acceptance), at small settings.</summary>
public class FaithfulnessTests(ITestOutputHelper output)
{
    [Fact]
    public void The_morf_curve_of_time_frequency_relax_lies_below_the_random_curve()
    {
        using var parts = SyntheticAnimalModel.Load();
        var clips = SyntheticExamples.Generate(1, SyntheticAnimalModel.HeldOutFirstSeed + 700);   // one dog, one cat, one bird
        var explainer = new RelaxExplainer(parts.Embedder, new TimeFrequencyMasks(8, 4), new RelaxOptions { MaskCount = 256, BatchSize = 64, Seed = 2 });
        foreach (var replacement in new[] { MaskReplacement.Mean, MaskReplacement.Min })
        {
            var flipping = new PixelFlipping(parts.Embedder, new PixelFlippingOptions { StepFraction = 0.1, BatchSize = 11, Seed = 4, Replacement = replacement }, parts.Head);
            foreach (var clip in clips)
            {
                using var input = TensorArrays.FromArray2D(clip.LogMel);
                var saliency = explainer.Explain(input).Saliency;
                var morf = flipping.Evaluate(input, saliency, FlipOrder.MostRelevantFirst);
                var random = flipping.Evaluate(input, saliency, FlipOrder.Random);
                var lerf = flipping.Evaluate(input, saliency, FlipOrder.LeastRelevantFirst);
                output.WriteLine($"{clip.Label,-4} {replacement.Name,-4} AUC MoRF {morf.SimilarityArea:F4} random {random.SimilarityArea:F4} LeRF {lerf.SimilarityArea:F4}");
                Assert.True(morf.SimilarityArea < random.SimilarityArea, $"{clip.Label}, {replacement.Name}: MoRF {morf.SimilarityArea:F4} vs random {random.SimilarityArea:F4}");
                // Pointwise too, over the informative part of the curve (both end at the replacement's embedding).
                int below = Enumerable.Range(1, morf.Fractions.Length - 2).Count(k => morf.Similarity[k] <= random.Similarity[k]);
                Assert.True(below >= (morf.Fractions.Length - 2) * 0.8, $"{clip.Label}, {replacement.Name}: MoRF below random at {below} of {morf.Fractions.Length - 2} inner points");
            }
        }
    }

    [Fact]
    public void Gradients_flow_through_the_vggish_embedder_so_integrated_gradients_are_complete()
    {
        using var parts = SyntheticAnimalModel.Load();
        var clip = SyntheticExamples.Generate(1, SyntheticAnimalModel.HeldOutFirstSeed + 710)[2];
        using var input = TensorArrays.FromArray2D(clip.LogMel);
        var (map, baselineSimilarity) = new IntegratedGradientsAttribution(parts.Embedder, steps: 64, batchSize: 32).AttributeWithCheck(input);
        double sum = map.Cast<float>().Sum(v => (double)v), expected = 1 - baselineSimilarity;
        output.WriteLine($"Σ IG = {sum:F5}, 1 − s(x′) = {expected:F5}");
        Assert.True(Math.Abs(sum - expected) <= 0.01 * Math.Abs(expected), $"Σ IG = {sum:F5}, 1 − s(x′) = {expected:F5}");
        Assert.True(new GradientAttribution(parts.Embedder).Attribute(input).Cast<float>().Max() > 0);

        // Without a gradient-requiring input the embedder still runs without autograd.
        using var plain = parts.Embedder.Embed(input.reshape(1, 1, 96, 64));
        Assert.False(plain.requires_grad);
    }
}
