using Relax.Attribution;
using Relax.Core.Tests;
using Relax.Masks;
using static TorchSharp.torch;

namespace Relax.Evaluation.Tests;

/// <summary>Evaluation and attribution checked against values derived independently of the code under test: areas and
/// relevance masses computed by hand, gradients by central finite differences in float64, RISE on a classifier whose
/// evidence region and predicted class are known.</summary>
public class ReferenceValueTests
{
    [Fact]
    public void Curve_areas_are_trapezoids()
    {
        // (0, 1), (0.5, 0.4), (1, 0.2): 0.5·(1 + 0.4)/2 + 0.5·(0.4 + 0.2)/2 = 0.35 + 0.15 = 0.5
        // (a right Riemann sum would give 0.3, a left one 0.7).
        Assert.Equal(0.5, CurveArea.Trapezoid([0, 0.5, 1], [1, 0.4, 0.2]), 12);
        // Uneven steps: 0.1·(1 + 0.9)/2 + 0.9·(0.9 + 0)/2 = 0.095 + 0.405 = 0.5
        Assert.Equal(0.5, CurveArea.Trapezoid([0, 0.1, 1], [1, 0.9, 0]), 12);
        var curve = new FlipCurve(FlipOrder.MostRelevantFirst, "mean", [0, 0.5, 1], [1, 0.4, 0.2], [0.9, 0.6, 0.3], [0, 0, 1]);
        Assert.Equal(0.5, curve.SimilarityArea, 12);
        Assert.Equal(0.6, curve.ProbabilityArea, 12);   // 0.5·1.5/2 + 0.5·0.9/2
        Assert.Equal(0.8 - 0.5, CurveArea.Gap(curve, curve with { Similarity = [1, 0.8, 0.6] }), 12);
    }

    [Fact]
    public void Relevance_mass_counts_what_lies_above_the_median_on_a_skewed_map()
    {
        // Ten cells, 0 ×7, 1, 1, 10: median 0 (the mean, 1.2, would drop both 1s). Mass above the median: 1 + 1 + 10 = 12.
        var map = new float[2, 5] { { 0, 0, 0, 0, 0 }, { 0, 0, 1, 1, 10 } };
        var region = new bool[2, 5];
        region[1, 2] = true;                                  // one of the 1s
        var score = RelevanceMass.Score(map, region);
        Assert.Equal(1.0 / 12, score.MassInside, 12);
        Assert.Equal(0.1, score.AreaInside, 12);
        Assert.Equal(1.0 / 12 / 0.1, score.Gain, 12);
        region[1, 4] = true;                                  // and the 10
        Assert.Equal(11.0 / 12, RelevanceMass.Score(map, region).MassInside, 12);
    }

    /// <summary>h(x) = W·vec(x): a linear embedder with fixed weights.</summary>
    private sealed class LinearEmbedder(double[,] weights) : IEmbedder
    {
        public Device Device => CPU;

        public double[,] Weights { get; } = weights;

        public Tensor Embed(Tensor inputs)
        {
            using var w = tensor(Weights.Cast<double>().Select(v => (float)v).ToArray(), new long[] { Weights.GetLength(0), Weights.GetLength(1) });
            return inputs.reshape(inputs.shape[0], -1).matmul(w.t());
        }
    }

    private static double Cosine(double[] a, double[] b)
    {
        double ab = 0, aa = 0, bb = 0;
        for (int k = 0; k < a.Length; k++)
        {
            ab += a[k] * b[k];
            aa += a[k] * a[k];
            bb += b[k] * b[k];
        }
        return ab / Math.Sqrt(aa * bb);
    }

    private static double[] Apply(double[,] w, double[] x)
    {
        var h = new double[w.GetLength(0)];
        for (int d = 0; d < h.Length; d++)
        {
            for (int k = 0; k < x.Length; k++)
            {
                h[d] += w[d, k] * x[k];
            }
        }
        return h;
    }

    [Fact]
    public void Gradient_attribution_is_the_finite_difference_gradient_at_the_baseline_times_the_distance_to_it()
    {
        const int height = 4, width = 5, dims = 3;
        var random = new Random(3);
        var w = new double[dims, height * width];
        for (int d = 0; d < dims; d++)
        {
            for (int k = 0; k < height * width; k++)
            {
                w[d, k] = (float)(random.NextDouble() * 2 - 1);
            }
        }
        var input = TestInputs.Noise(height, width, 9);
        var x0 = input.Cast<float>().Select(v => (double)v).ToArray();
        double c = x0.Average();                              // the baseline: the input's mean everywhere
        var reference = Apply(w, x0);
        double Similarity(double[] x) => Cosine(Apply(w, x), reference);

        using var tensorInput = TensorArrays.FromArray2D(input);
        var map = new GradientAttribution(new LinearEmbedder(w)).Attribute(tensorInput);

        const double step = 1e-5;
        var expected = new double[height * width];
        for (int k = 0; k < expected.Length; k++)
        {
            var up = Enumerable.Repeat(c, x0.Length).ToArray();
            var down = (double[])up.Clone();
            up[k] += step;
            down[k] -= step;
            double gradient = (Similarity(up) - Similarity(down)) / (2 * step);
            expected[k] = Math.Abs(gradient) * Math.Abs(x0[k] - c);
        }
        double scale = expected.Max();
        Assert.True(scale > 1e-3, "the check needs a non-trivial gradient");
        for (int k = 0; k < expected.Length; k++)
        {
            Assert.True(Math.Abs(map[k / width, k % width] - expected[k]) <= 1e-3 * scale,
                $"cell {k}: {map[k / width, k % width]:G6} vs finite differences {expected[k]:G6}");
        }
    }

    /// <summary>Embeds the mean of a rectangle as the first feature (and 0 as the second).</summary>
    private sealed class RectangleMeanEmbedder(int top, int left, int size) : IEmbedder
    {
        public Device Device => CPU;

        public bool Contains(int i, int j) => i >= top && i < top + size && j >= left && j < left + size;

        public Tensor Embed(Tensor inputs)
        {
            using var scope = NewDisposeScope();
            var mean = inputs[.., 0, top..(top + size), left..(left + size)].mean([1, 2]);
            return stack([mean, zeros_like(mean)], 1).MoveToOuterDisposeScope();
        }
    }

    /// <summary>+1 inside the rectangle, −1 elsewhere, on 8 × 8 (a 4 × 4 rectangle: mean −0.5).</summary>
    private static float[,] RectangleInput(RectangleMeanEmbedder embedder)
    {
        var x = new float[8, 8];
        for (int i = 0; i < 8; i++)
        {
            for (int j = 0; j < 8; j++)
            {
                x[i, j] = embedder.Contains(i, j) ? 1 : -1;
            }
        }
        return x;
    }

    [Fact]
    public void Rise_explains_the_predicted_class_and_credits_its_evidence_positively()
    {
        // p(class 0) = σ(4·mean of a 2 × 2 rectangle): σ(4) ≈ 0.98 unmasked, so class 0 is predicted; hiding rectangle
        // cells (replacing them with the input's mean −0.875) lowers it. RISE for class 0 must be higher inside the
        // rectangle, and for class 1 lower.
        var embedder = new RectangleMeanEmbedder(3, 3, 2);
        using var input = TensorArrays.FromArray2D(RectangleInput(embedder));
        var options = new RelaxOptions { MaskCount = 512, BatchSize = 64, Seed = 5 };
        var predicted = new RiseAttribution(embedder, new FirstFeatureClassifier(), new BernoulliPixelMasks(0.5), options).Attribute(input);
        var class0 = new RiseAttribution(embedder, new FirstFeatureClassifier(), new BernoulliPixelMasks(0.5), options, targetClass: 0).Attribute(input);
        var class1 = new RiseAttribution(embedder, new FirstFeatureClassifier(), new BernoulliPixelMasks(0.5), options, targetClass: 1).Attribute(input);

        Assert.Equal(class0.Cast<float>(), predicted.Cast<float>());
        double inside = TestInputs.Mean(predicted, embedder.Contains), outside = TestInputs.Mean(predicted, (i, j) => !embedder.Contains(i, j));
        Assert.True(inside > outside + 0.05, $"class 0: inside {inside:F3}, outside {outside:F3}");
        double inside1 = TestInputs.Mean(class1, embedder.Contains), outside1 = TestInputs.Mean(class1, (i, j) => !embedder.Contains(i, j));
        Assert.True(inside1 < outside1 - 0.05, $"class 1: inside {inside1:F3}, outside {outside1:F3}");
    }

    [Fact]
    public void Probability_and_prediction_curves_follow_the_removed_evidence()
    {
        // MoRF on the rectangle's indicator removes exactly the rectangle (16 of 64 cells) in the first step of 0.25:
        // its mean goes from 1 to the replacement −0.5, so p(class 0) goes from σ(4) to σ(−2) and the prediction to 1.
        var embedder = new RectangleMeanEmbedder(2, 2, 4);
        using var input = TensorArrays.FromArray2D(RectangleInput(embedder));
        var relevance = new float[8, 8];
        for (int i = 0; i < 8; i++)
        {
            for (int j = 0; j < 8; j++)
            {
                relevance[i, j] = embedder.Contains(i, j) ? 1 : 0;
            }
        }
        var curve = new PixelFlipping(embedder, new PixelFlippingOptions { StepFraction = 0.25 }, new FirstFeatureClassifier())
            .Evaluate(input, relevance, FlipOrder.MostRelevantFirst);
        double Sigmoid(double z) => 1 / (1 + Math.Exp(-z));
        var expected = new[] { Sigmoid(4), Sigmoid(-2), Sigmoid(-2), Sigmoid(-2), Sigmoid(-2) };
        Assert.Equal(expected.Length, curve.ClassProbability!.Length);
        for (int k = 0; k < expected.Length; k++)
        {
            Assert.Equal(expected[k], curve.ClassProbability[k], 6);
        }
        Assert.Equal([0, 1, 1, 1, 1], curve.PredictedClass!);
        Assert.Equal([1.0, 0, 0, 0, 0], CurveArea.Accuracy([(curve, 0)]));
        Assert.Equal([0.0, 1, 1, 1, 1], CurveArea.Accuracy([(curve, 1)]));
    }
}
