using Relax.Attribution;
using Relax.Core.Tests;
using Relax.Masks;
using Relax.Similarity;
using static TorchSharp.torch;

namespace Relax.Evaluation.Tests;

/// <summary>A similarity given by the caller reaches every explainer RELAX is compared with and the metric that judges
/// them: each value below is what that similarity, and not cosine, makes of the same input.</summary>
public class SimilaritySeamTests
{
    /// <summary>Scores every masked embedding 0.25, whatever it is.</summary>
    private sealed class ConstantSimilarity : ISimilarity
    {
        public int Calls { get; private set; }

        public string Name => "constant-0.25";

        public Tensor Score(Tensor reference, Tensor embeddings)
        {
            Calls++;
            return full(embeddings.shape[0], 0.25f, device: embeddings.device);
        }
    }

    /// <summary>k × cosine: differentiable, so gradient methods scale by exactly k.</summary>
    private sealed class ScaledCosine(double k) : ISimilarity
    {
        public int Calls { get; private set; }

        public string Name => $"{k}x-cosine";

        public Tensor Score(Tensor reference, Tensor embeddings)
        {
            Calls++;
            using var cosine = CosineSimilarity.Instance.Score(reference, embeddings);
            return cosine * k;
        }
    }

    private static readonly TanhRectangleEmbedder Embedder = new(3, 2, 5, 4);

    private static Tensor Input() => TensorArrays.FromArray2D(TestInputs.Noise(12, 10, 5));

    [Fact]
    public void Occlusion_credits_the_drop_of_the_given_similarity()
    {
        using var input = Input();
        var similarity = new ConstantSimilarity();
        var map = new OcclusionAttribution(Embedder, 4, 4, 2, 2, similarity: similarity).Attribute(input);
        Assert.All(map.Cast<float>(), v => Assert.Equal(0.75f, v, 6));   // 1 − 0.25 in every covered cell
        Assert.True(similarity.Calls > 0);
    }

    [Fact]
    public void Pixel_flipping_scores_every_step_with_the_given_similarity()
    {
        using var input = Input();
        var similarity = new ConstantSimilarity();
        var curve = new PixelFlipping(Embedder, new PixelFlippingOptions { StepFraction = 0.25, Similarity = similarity })
            .Evaluate(input, TestInputs.Noise(12, 10, 6), FlipOrder.MostRelevantFirst);
        Assert.All(curve.Similarity, s => Assert.Equal(0.25, s, 6));
        Assert.Equal(0.25, curve.SimilarityArea, 6);
    }

    [Fact]
    public void Gradient_and_integrated_gradients_differentiate_the_given_similarity()
    {
        using var input = Input();
        var doubled = new ScaledCosine(2);
        var gradient = new GradientAttribution(Embedder).Attribute(input);
        var gradientDoubled = new GradientAttribution(Embedder, similarity: doubled).Attribute(input);
        var ig = new IntegratedGradientsAttribution(Embedder, steps: 8).Attribute(input);
        var igDoubled = new IntegratedGradientsAttribution(Embedder, steps: 8, similarity: doubled).Attribute(input);
        Assert.Contains(gradient.Cast<float>(), v => v > 1e-4);
        for (int i = 0; i < 12; i++)
        {
            for (int j = 0; j < 10; j++)
            {
                Assert.Equal(2 * gradient[i, j], gradientDoubled[i, j], 5);
                Assert.Equal(2 * ig[i, j], igDoubled[i, j], 5);
            }
        }
    }

    [Fact]
    public void Methods_built_by_name_all_use_the_similarity_of_the_relax_options()
    {
        using var input = Input();
        var settings = new AttributionSettings(Embedder)
        {
            RelaxMasks = new TimeFrequencyMasks(2, 2),
            Relax = new RelaxOptions { MaskCount = 16, BatchSize = 8, Similarity = new ScaledCosine(1) },
            OcclusionWindow = (4, 4),
            OcclusionStride = (4, 4),
            IntegratedGradientsSteps = 4,
        };
        // rise needs a head; lrp needs the network's layers and propagates a linear target, not a similarity score.
        foreach (var name in AttributionMethods.Names.Where(n => n is not ("rise" or "lrp")))
        {
            var similarity = new ScaledCosine(1);
            var method = AttributionMethods.Create(name, settings with { Relax = settings.Relax with { Similarity = similarity } });
            method.Attribute(input);
            Assert.True(similarity.Calls > 0, $"{name} did not use the given similarity");
        }
        Assert.Throws<ArgumentException>(() => AttributionMethods.Create("rise", settings));
        Assert.Contains("AttributionSettings.Lrp", Assert.Throws<ArgumentException>(() => AttributionMethods.Create("lrp", settings)).Message, StringComparison.Ordinal);
        Assert.Contains("occlusion", Assert.Throws<ArgumentException>(() => AttributionMethods.Create("lime", settings)).Message, StringComparison.Ordinal);
    }
}
