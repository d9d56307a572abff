using Relax.Attribution;
using Relax.Core.Tests;
using Relax.Masks;

namespace Relax.Evaluation.Tests;

public class EvaluationTests
{
    private static float[,] Indicator(int h, int w, Func<int, int, bool> inside)
    {
        var map = new float[h, w];
        for (int i = 0; i < h; i++)
        {
            for (int j = 0; j < w; j++)
            {
                map[i, j] = inside(i, j) ? 1 : 0;
            }
        }
        return map;
    }

    [Fact]
    public void Flipping_the_relevant_region_first_drops_similarity_faster_than_random_and_least_relevant_first()
    {
        var embedder = new TanhRectangleEmbedder(4, 6, 6, 5);
        using var input = TestInputs.Noise(20, 16, 3).ToTensor();
        var relevance = Indicator(20, 16, embedder.Rectangle.Contains);
        var flipping = new PixelFlipping(embedder, new PixelFlippingOptions { StepFraction = 0.05, BatchSize = 8, Seed = 1 });

        var morf = flipping.Evaluate(input, relevance, FlipOrder.MostRelevantFirst);
        var lerf = flipping.Evaluate(input, relevance, FlipOrder.LeastRelevantFirst);
        var random = flipping.Evaluate(input, relevance, FlipOrder.Random);

        Assert.Equal(21, morf.Fractions.Length);
        Assert.Equal(1.0, morf.Similarity[0], 5);
        Assert.True(morf.SimilarityArea < random.SimilarityArea, $"MoRF {morf.SimilarityArea:F3} vs random {random.SimilarityArea:F3}");
        Assert.True(random.SimilarityArea < lerf.SimilarityArea, $"random {random.SimilarityArea:F3} vs LeRF {lerf.SimilarityArea:F3}");
        Assert.True(CurveArea.Gap(morf, lerf) > 0.3);
        // Once the 30 relevant cells (≈ 9% of 320) are gone, MoRF's representation is that of the replacement.
        Assert.Equal(morf.Similarity[^1], morf.Similarity[2], 5);
    }

    [Fact]
    public void A_curve_of_K_points_costs_K_over_B_forward_passes()
    {
        var embedder = new TanhRectangleEmbedder(0, 0, 4, 4);
        using var input = TestInputs.Noise(10, 10, 1).ToTensor();
        var flipping = new PixelFlipping(embedder, new PixelFlippingOptions { StepFraction = 0.05, BatchSize = 8 });
        flipping.Evaluate(input, TestInputs.Noise(10, 10, 2), FlipOrder.MostRelevantFirst);
        Assert.Equal(1 + 3, embedder.Calls); // the unmasked input, then ⌈21 / 8⌉ batches
    }

    [Fact]
    public void Integrated_gradients_are_complete_within_one_percent_at_64_steps()
    {
        var embedder = new TanhRectangleEmbedder(3, 3, 5, 5);
        using var input = TestInputs.Noise(12, 12, 7).ToTensor();
        var ig = new IntegratedGradientsAttribution(embedder, steps: 64, batchSize: 16);
        var (map, baselineSimilarity) = ig.AttributeWithCheck(input);
        double sum = map.Cast<float>().Sum(v => (double)v);
        double expected = 1 - baselineSimilarity;
        Assert.True(expected > 0.05, "the baseline must change the representation for the check to mean something");
        Assert.True(Math.Abs(sum - expected) <= 0.01 * Math.Abs(expected), $"Σ IG = {sum:F5}, s(x) − s(x′) = {expected:F5}");
        // Cells the model does not read get exactly nothing.
        Assert.All(Enumerable.Range(0, 12).SelectMany(i => Enumerable.Range(0, 12).Select(j => (i, j))).Where(c => !embedder.Rectangle.Contains(c.i, c.j)),
            c => Assert.Equal(0f, map[c.i, c.j]));
    }

    [Fact]
    public void Gradient_saliency_is_zero_outside_the_read_region_and_positive_inside()
    {
        var embedder = new TanhRectangleEmbedder(3, 3, 5, 5);
        using var input = TestInputs.Noise(12, 12, 7).ToTensor();
        var map = new GradientAttribution(embedder).Attribute(input);
        Assert.Equal(0, TestInputs.Max(map, (i, j) => !embedder.Rectangle.Contains(i, j)));
        Assert.True(TestInputs.Mean(map, embedder.Rectangle.Contains) > 0);
    }

    [Fact]
    public void Occlusion_with_a_window_the_size_of_the_relevant_rectangle_finds_it()
    {
        var embedder = new TanhRectangleEmbedder(5, 7, 4, 3);
        using var input = TestInputs.Noise(16, 16, 2).ToTensor();
        var occlusion = new OcclusionAttribution(embedder, windowHeight: 4, windowWidth: 3, batchSize: 50);
        var windows = occlusion.ScoreWindows(input);
        var best = Enumerable.Range(0, windows.GetLength(0)).SelectMany(r => Enumerable.Range(0, windows.GetLength(1)).Select(c => (r, c)))
            .MaxBy(p => windows[p.r, p.c]);
        Assert.Equal((5, 7), best);
        var map = occlusion.Attribute(input);
        Assert.True(TestInputs.Mean(map, embedder.Rectangle.Contains) > TestInputs.Max(map, (i, j) => i > 12 || j > 12 || i < 2 || j < 4));
    }

    [Fact]
    public void Rise_on_a_classifier_highlights_what_the_classifier_depends_on()
    {
        var embedder = new TanhRectangleEmbedder(2, 2, 5, 5, dimensions: 4);
        var rise = new RiseAttribution(embedder, new FirstFeatureClassifier(), new RandomGridMasks(4, 0.5),
            new RelaxOptions { MaskCount = 1500, BatchSize = 100, Seed = 3 });
        using var input = TestInputs.Noise(20, 20, 9).ToTensor();
        var map = rise.Attribute(input);
        double inside = TestInputs.Mean(map, embedder.Rectangle.Contains);
        double far = TestInputs.Max(map, (i, j) => i >= 13 && j >= 13);
        Assert.NotEqual(inside, far);
        Assert.True(Math.Abs(inside - TestInputs.Mean(map, (i, j) => i >= 13 && j >= 13)) > Math.Abs(far - TestInputs.Min(map, (i, j) => i >= 13 && j >= 13)));
    }

    [Fact]
    public void Spearman_matches_hand_computed_values_with_ties()
    {
        var a = new float[,] { { 1, 2 }, { 3, 4 } };
        Assert.Equal(1.0, RankCorrelation.Spearman(a, new float[,] { { 10, 20 }, { 30, 40 } }), 12);
        Assert.Equal(-1.0, RankCorrelation.Spearman(a, new float[,] { { 4, 3 }, { 2, 1 } }), 12);
        // b has ranks 1.5, 1.5, 3, 4; Pearson of (1,2,3,4) with those = 0.9486832980505138.
        Assert.Equal(0.9486832980505138, RankCorrelation.Spearman(a, new float[,] { { 5, 5 }, { 6, 7 } }), 12);
        Assert.Throws<ArgumentException>(() => RankCorrelation.Spearman(a, new float[1, 4]));
    }

    [Fact]
    public void Invalid_settings_are_rejected()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new PixelFlippingOptions { StepFraction = 0 });
        Assert.Throws<ArgumentOutOfRangeException>(() => new PixelFlippingOptions { StepFraction = 0.6 });
        Assert.Throws<ArgumentOutOfRangeException>(() => new PixelFlippingOptions { BatchSize = 0 });
        Assert.Throws<ArgumentOutOfRangeException>(() => new OcclusionAttribution(new ConstantEmbedder(), 0, 1));
        Assert.Throws<ArgumentOutOfRangeException>(() => new IntegratedGradientsAttribution(new ConstantEmbedder(), steps: 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => new RiseAttribution(new ConstantEmbedder(), new FirstFeatureClassifier(), new BernoulliPixelMasks(), targetClass: 2));
        using var input = TestInputs.Noise(4, 4, 1).ToTensor();
        Assert.Throws<ArgumentException>(() => new PixelFlipping(new ConstantEmbedder()).Evaluate(input, new float[3, 4], FlipOrder.Random));
        Assert.Throws<ArgumentException>(() => new OcclusionAttribution(new ConstantEmbedder(), 5, 1).Attribute(input));
    }
}
