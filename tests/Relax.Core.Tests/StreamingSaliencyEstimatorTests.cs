using Relax.Estimation;
using static TorchSharp.torch;

namespace Relax.Core.Tests;

/// <summary>The streaming estimator against a brute-force float64 implementation of the RELAX formulas.</summary>
public class StreamingSaliencyEstimatorTests
{
    private const double Tolerance = 1e-6;

    /// <summary>Brute force, straight from the definitions, over all masks at once.</summary>
    private static (double[,] R, double[,] U, double[,] W) BruteForce(double[][,] masks, double[] scores, SaliencyNormalization normalization)
    {
        int h = masks[0].GetLength(0), w = masks[0].GetLength(1), n = masks.Length;
        var r = new double[h, w];
        var u = new double[h, w];
        var weight = new double[h, w];
        for (int i = 0; i < h; i++)
        {
            for (int j = 0; j < w; j++)
            {
                double sw = 0, ssm = 0;
                for (int k = 0; k < n; k++)
                {
                    sw += masks[k][i, j];
                    ssm += scores[k] * masks[k][i, j];
                }
                double denominator = normalization == SaliencyNormalization.MaskCount ? n : sw;
                r[i, j] = denominator > 0 ? ssm / denominator : 0;
                double var = 0;
                for (int k = 0; k < n; k++)
                {
                    var += (scores[k] - r[i, j]) * (scores[k] - r[i, j]) * masks[k][i, j];
                }
                u[i, j] = denominator > 0 ? var / denominator : 0;
                weight[i, j] = sw;
            }
        }
        return (r, u, weight);
    }

    private static (double[][,] Masks, double[] Scores) RandomProblem(int n, int h, int w, bool binary, double scoreMean, double scoreSpread, int seed)
    {
        var random = new Random(seed);
        var masks = new double[n][,];
        var scores = new double[n];
        for (int k = 0; k < n; k++)
        {
            masks[k] = new double[h, w];
            for (int i = 0; i < h; i++)
            {
                for (int j = 0; j < w; j++)
                {
                    masks[k][i, j] = binary ? (random.NextDouble() < 0.5 ? 1 : 0) : random.NextDouble();
                }
            }
            scores[k] = scoreMean + scoreSpread * (random.NextDouble() - 0.5);
        }
        return (masks, scores);
    }

    private static void Feed(ISaliencyEstimator estimator, double[][,] masks, double[] scores, int[] batchSizes)
    {
        int h = masks[0].GetLength(0), w = masks[0].GetLength(1);
        int at = 0, b = 0;
        while (at < masks.Length)
        {
            int size = Math.Min(batchSizes[b++ % batchSizes.Length], masks.Length - at);
            var flat = new float[size * h * w];
            var s = new float[size];
            for (int k = 0; k < size; k++)
            {
                s[k] = (float)scores[at + k];
                for (int i = 0; i < h; i++)
                {
                    for (int j = 0; j < w; j++)
                    {
                        flat[(k * h + i) * w + j] = (float)masks[at + k][i, j];
                    }
                }
            }
            using var m = tensor(flat, new long[] { size, h, w });
            using var st = tensor(s);
            estimator.Accumulate(m, st);
            at += size;
        }
    }

    private static void RoundToFloat(double[][,] masks, double[] scores)
    {
        // The estimator takes float32 masks and scores; the reference sees exactly the same numbers.
        foreach (var m in masks)
        {
            for (int i = 0; i < m.GetLength(0); i++)
            {
                for (int j = 0; j < m.GetLength(1); j++)
                {
                    m[i, j] = (float)m[i, j];
                }
            }
        }
        for (int k = 0; k < scores.Length; k++)
        {
            scores[k] = (float)scores[k];
        }
    }

    private static double[,] ToDouble(Tensor t)
    {
        var cpu = t.to(ScalarType.Float64, CPU).contiguous();
        var data = cpu.data<double>().ToArray();
        var result = new double[t.shape[0], t.shape[1]];
        Buffer.BlockCopy(data, 0, result, 0, data.Length * sizeof(double));
        return result;
    }

    private static void AssertClose(double[,] expected, double[,] actual, double tolerance, string what)
    {
        for (int i = 0; i < expected.GetLength(0); i++)
        {
            for (int j = 0; j < expected.GetLength(1); j++)
            {
                double e = expected[i, j], a = actual[i, j];
                Assert.True(Math.Abs(e - a) <= tolerance, $"{what}[{i},{j}]: expected {e:R}, got {a:R} (|diff| {Math.Abs(e - a):E2} > {tolerance:E0})");
            }
        }
    }

    [Theory]
    [InlineData(SaliencyNormalization.MaskWeight, true, 0.5, 1.0)]
    [InlineData(SaliencyNormalization.MaskWeight, false, 0.5, 1.0)]
    [InlineData(SaliencyNormalization.MaskCount, true, 0.5, 1.0)]
    [InlineData(SaliencyNormalization.MaskCount, false, 0.5, 1.0)]
    // Similarities packed just below 1, as with VGGish: the regime where naive one-pass variance cancels.
    [InlineData(SaliencyNormalization.MaskWeight, false, 0.995, 0.004)]
    [InlineData(SaliencyNormalization.MaskCount, true, 0.995, 0.004)]
    public void Matches_brute_force_float64_reference(SaliencyNormalization normalization, bool binary, double scoreMean, double scoreSpread)
    {
        var (masks, scores) = RandomProblem(n: 203, h: 7, w: 5, binary, scoreMean, scoreSpread, seed: 11);
        RoundToFloat(masks, scores);
        var (r, u, w) = BruteForce(masks, scores, normalization);

        using var estimator = new StreamingSaliencyEstimator(7, 5, CPU, normalization);
        Feed(estimator, masks, scores, new[] { 16, 1, 64, 7 });
        using var maps = estimator.Estimate();

        Assert.Equal(203, estimator.Count);
        AssertClose(r, ToDouble(maps.Saliency), Tolerance, "R");
        AssertClose(u, ToDouble(maps.Uncertainty), Tolerance, "U");
        AssertClose(w, ToDouble(maps.MaskWeight), 1e-9, "W");
    }

    [Fact]
    public void Uncertainty_keeps_relative_precision_when_scores_barely_vary()
    {
        // Scores 0.9999 ± 5e-6: the variance is ~1e-11, far below float32 resolution of the scores' square.
        var (masks, scores) = RandomProblem(n: 300, h: 4, w: 4, binary: false, scoreMean: 0.9999, scoreSpread: 1e-5, seed: 3);
        RoundToFloat(masks, scores);
        var (_, u, _) = BruteForce(masks, scores, SaliencyNormalization.MaskWeight);

        using var estimator = new StreamingSaliencyEstimator(4, 4, CPU);
        Feed(estimator, masks, scores, new[] { 50 });
        using var maps = estimator.Estimate();
        var actual = ToDouble(maps.Uncertainty);
        for (int i = 0; i < 4; i++)
        {
            for (int j = 0; j < 4; j++)
            {
                Assert.True(Math.Abs(actual[i, j] - u[i, j]) <= 1e-6 * u[i, j], $"U[{i},{j}] = {actual[i, j]:E6}, expected {u[i, j]:E6}");
            }
        }
    }

    [Fact]
    public void Cells_never_kept_get_zero_saliency_and_uncertainty()
    {
        var masks = new double[4][,];
        for (int k = 0; k < 4; k++)
        {
            masks[k] = new double[2, 2] { { 1, 0 }, { k % 2, 0 } };
        }
        var scores = new[] { 0.9, 0.8, 0.7, 0.6 };
        RoundToFloat(masks, scores);
        using var estimator = new StreamingSaliencyEstimator(2, 2, CPU);
        Feed(estimator, masks, scores, new[] { 4 });
        using var maps = estimator.Estimate();
        var r = ToDouble(maps.Saliency);
        Assert.Equal(0, r[0, 1]);
        Assert.Equal(0, r[1, 1]);
        Assert.Equal((0.9 + 0.8 + 0.7 + 0.6) / 4, r[0, 0], 6);
        Assert.Equal((0.8 + 0.6) / 2, r[1, 0], 6);
    }

    [Fact]
    public void Split_half_correlation_matches_maps_from_even_and_odd_masks()
    {
        var (masks, scores) = RandomProblem(n: 101, h: 6, w: 6, binary: true, 0.6, 0.8, seed: 5);
        RoundToFloat(masks, scores);
        var even = Enumerable.Range(0, 101).Where(k => k % 2 == 0).ToArray();
        var odd = Enumerable.Range(0, 101).Where(k => k % 2 == 1).ToArray();
        var (re, _, _) = BruteForce(even.Select(k => masks[k]).ToArray(), even.Select(k => scores[k]).ToArray(), SaliencyNormalization.MaskWeight);
        var (ro, _, _) = BruteForce(odd.Select(k => masks[k]).ToArray(), odd.Select(k => scores[k]).ToArray(), SaliencyNormalization.MaskWeight);
        double expected = Pearson(re.Cast<double>().ToArray(), ro.Cast<double>().ToArray());

        using var estimator = new StreamingSaliencyEstimator(6, 6, CPU);
        Feed(estimator, masks, scores, new[] { 10, 3 });
        Assert.Equal(expected, estimator.SplitHalfCorrelation(), 9);
    }

    [Fact]
    public void Rejects_mismatched_shapes_with_clear_messages()
    {
        using var estimator = new StreamingSaliencyEstimator(3, 4, CPU);
        using var wrongMasks = ones(2, 4, 3);
        using var scores = ones(2);
        var e1 = Assert.Throws<ArgumentException>(() => estimator.Accumulate(wrongMasks, scores));
        Assert.Contains("(B, 3, 4)", e1.Message);

        using var masks = ones(2, 3, 4);
        using var wrongScores = ones(3);
        var e2 = Assert.Throws<ArgumentException>(() => estimator.Accumulate(masks, wrongScores));
        Assert.Contains("(2)", e2.Message);

        Assert.Throws<ArgumentOutOfRangeException>(() => new StreamingSaliencyEstimator(0, 4, CPU));
        Assert.Throws<ArgumentOutOfRangeException>(() => new StreamingSaliencyEstimator(3, 0, CPU));
        Assert.Throws<ArgumentOutOfRangeException>(() => new StreamingSaliencyEstimator(3, 4, CPU, (SaliencyNormalization)7));
    }

    private static double Pearson(double[] a, double[] b)
    {
        double ma = a.Average(), mb = b.Average();
        double sab = 0, saa = 0, sbb = 0;
        for (int i = 0; i < a.Length; i++)
        {
            sab += (a[i] - ma) * (b[i] - mb);
            saa += (a[i] - ma) * (a[i] - ma);
            sbb += (b[i] - mb) * (b[i] - mb);
        }
        return sab / Math.Sqrt(saa * sbb);
    }

    /// <summary>The RELAX reference code's loop (relax_xai/relax.py, RELAX.forward and RELAX.u_relax), ported line by
    /// line in float64: a weighted running mean and sum of squares per mask, then importance × (uncertainty ≤ median).</summary>
    private static double[,] ReferenceURelax(double[][,] masks, double[] scores)
    {
        int h = masks[0].GetLength(0), w = masks[0].GetLength(1);
        var importance = new double[h, w];
        var uncertainty = new double[h, w];
        var sumOfWeights = new double[h, w];
        for (int i = 0; i < h; i++)
        {
            for (int j = 0; j < w; j++)
            {
                sumOfWeights[i, j] = 1e-10;   // sum_of_weights_initial_value
            }
        }
        for (int k = 0; k < masks.Length; k++)
        {
            for (int i = 0; i < h; i++)
            {
                for (int j = 0; j < w; j++)
                {
                    double m = masks[k][i, j];
                    sumOfWeights[i, j] += m;
                    double previous = importance[i, j];
                    importance[i, j] += m * (scores[k] - importance[i, j]) / sumOfWeights[i, j];
                    uncertainty[i, j] += (scores[k] - importance[i, j]) * (scores[k] - previous) * m;
                }
            }
        }
        var sorted = uncertainty.Cast<double>().Order().ToArray();
        double median = sorted[(sorted.Length - 1) / 2];   // torch.median: the lower middle value
        var result = new double[h, w];
        for (int i = 0; i < h; i++)
        {
            for (int j = 0; j < w; j++)
            {
                result[i, j] = uncertainty[i, j] <= median ? importance[i, j] : 0;
            }
        }
        return result;
    }

    [Theory]
    [InlineData(true, 0.5, 1.0)]
    [InlineData(false, 0.5, 1.0)]
    [InlineData(true, 0.995, 0.004)]
    public void U_relax_matches_the_reference_codes_certainty_filtered_map(bool binary, double scoreMean, double scoreSpread)
    {
        var (masks, scores) = RandomProblem(n: 301, h: 8, w: 6, binary, scoreMean, scoreSpread, seed: 5);
        RoundToFloat(masks, scores);
        var expected = ReferenceURelax(masks, scores);

        using var estimator = new StreamingSaliencyEstimator(8, 6, CPU, SaliencyNormalization.MaskWeight);
        Feed(estimator, masks, scores, new[] { 64, 13 });
        using var maps = estimator.Estimate();
        var result = new RelaxResult(ToFloat(maps.Saliency), ToFloat(maps.Uncertainty), ToFloat(maps.MaskWeight), 301, 301, false,
            double.NaN, TimeSpan.Zero, SaliencyNormalization.MaskWeight, "test", []);

        int kept = 0;
        for (int i = 0; i < 8; i++)
        {
            for (int j = 0; j < 6; j++)
            {
                Assert.Equal(expected[i, j] != 0, result.URelax[i, j] != 0);
                Assert.Equal(expected[i, j], result.URelax[i, j], 1e-6);
                kept += expected[i, j] != 0 ? 1 : 0;
            }
        }
        Assert.Equal(24, kept);   // 48 cells: the lower median keeps half
    }

    private static float[,] ToFloat(Tensor t)
    {
        var d = ToDouble(t);
        var f = new float[d.GetLength(0), d.GetLength(1)];
        for (int i = 0; i < d.GetLength(0); i++)
        {
            for (int j = 0; j < d.GetLength(1); j++)
            {
                f[i, j] = (float)d[i, j];
            }
        }
        return f;
    }
}
