namespace Relax.Runs.Tests;

/// <summary>Class averages and the distinctiveness table against a brute-force float64 computation written here
/// from the definitions (z-score each map over its cells, average, Pearson between averages).</summary>
public sealed class ClassMapStatisticsTests
{
    private static float[,] Map(int seed, Func<int, int, double>? shape = null)
    {
        var random = new Random(seed);
        var map = new float[4, 3];
        for (int i = 0; i < 4; i++)
        {
            for (int j = 0; j < 3; j++)
            {
                map[i, j] = (float)((shape?.Invoke(i, j) ?? 0) + random.NextDouble());
            }
        }
        return map;
    }

    private static double[] Z(float[,] map, Func<int, int, double>? scale = null)
    {
        var v = new List<double>();
        for (int i = 0; i < 4; i++)
        {
            for (int j = 0; j < 3; j++)
            {
                v.Add(map[i, j] * (scale?.Invoke(i, j) ?? 1));
            }
        }
        double mean = v.Sum() / v.Count;
        double sd = Math.Sqrt(v.Sum(x => (x - mean) * (x - mean)) / v.Count);
        return v.Select(x => (x - mean) / sd).ToArray();
    }

    private static double[] Mean(params double[][] vectors) => Enumerable.Range(0, vectors[0].Length).Select(c => vectors.Average(v => v[c])).ToArray();

    private static double Pearson(double[] a, double[] b)
    {
        double ma = a.Average(), mb = b.Average();
        double num = a.Zip(b).Sum(p => (p.First - ma) * (p.Second - mb));
        return num / Math.Sqrt(a.Sum(x => (x - ma) * (x - ma)) * b.Sum(x => (x - mb) * (x - mb)));
    }

    [Fact]
    public void Averages_split_halves_and_between_class_correlations_match_the_definitions()
    {
        // Class "a": three examples with a ramp along rows; class "b": two with a ramp along columns. Mask weights vary
        // per cell so that the 1/N estimator (saliency × weight / N) differs from the mask-weight one.
        var saliency = new[] { Map(1, (i, _) => i), Map(2, (i, _) => i), Map(3, (i, _) => i), Map(4, (_, j) => 2 * j), Map(5, (_, j) => 2 * j) };
        var weights = Enumerable.Range(0, 5).Select(k => Map(10 + k, (i, j) => 20 + i + j)).ToArray();
        var uncertainty = Enumerable.Range(0, 5).Select(k => Map(20 + k)).ToArray();
        var logMel = Enumerable.Range(0, 5).Select(k => Map(30 + k)).ToArray();
        string[] labels = ["a", "a", "a", "b", "b"];
        string[] keys = ["a2", "a0", "a1", "b1", "b0"];   // the halves follow the keys' order, not the order of entries
        var entries = Enumerable.Range(0, 5).Select(k => new ClassMapEntry(labels[k], "time", keys[k],
            () => new ExampleMaps(logMel[k], saliency[k], uncertainty[k], weights[k], 50, SaliencyNormalization.MaskWeight)));
        var statistics = new ClassMapStatistics(entries);

        var a = statistics.ClassMaps().Single(c => c.Label == "a");
        var expectedA = Mean(Z(saliency[0]), Z(saliency[1]), Z(saliency[2]));
        Assert.Equal(3, a.Examples);
        for (int c = 0; c < 12; c++)
        {
            Assert.Equal(expectedA[c], a.Saliency[c / 3, c % 3], 5);
            Assert.Equal((logMel[0][c / 3, c % 3] + logMel[1][c / 3, c % 3] + logMel[2][c / 3, c % 3]) / 3.0, a.LogMel[c / 3, c % 3], 5);
            Assert.Equal(Mean(Z(uncertainty[0]), Z(uncertainty[1]), Z(uncertainty[2]))[c], a.Uncertainty[c / 3, c % 3], 5);
        }
        var expectedCountA = Mean(Z(saliency[0], (i, j) => weights[0][i, j]), Z(saliency[1], (i, j) => weights[1][i, j]), Z(saliency[2], (i, j) => weights[2][i, j]));
        Assert.Equal(expectedCountA[5], a.SaliencyMaskCount[1, 2], 5);

        var expectedB = Mean(Z(saliency[3]), Z(saliency[4]));
        var rowA = statistics.Distinctiveness().Single(r => r.Label == "a" && r.Estimator == CorpusEstimator.MaskWeight);
        // Halves of "a" in key order a0, a1, a2 → {a0, a2} and {a1}: entries 1 and 0, against entry 2.
        Assert.Equal(Pearson(Mean(Z(saliency[1]), Z(saliency[0])), Z(saliency[2])), rowA.SplitHalf, 10);
        Assert.Equal(Pearson(expectedA, expectedB), rowA.MeanBetween, 10);
        Assert.Equal("b", rowA.NearestLabel);
        var rowB = statistics.Distinctiveness().Single(r => r.Label == "b" && r.Estimator == CorpusEstimator.MaskWeight);
        Assert.Equal(Pearson(Z(saliency[4]), Z(saliency[3])), rowB.SplitHalf, 10);
        Assert.True(rowA.SplitHalf > rowA.MeanBetween, "rows ramp vs columns ramp: distinct classes");
    }

    [Fact]
    public void With_three_classes_the_nearest_class_is_the_most_correlated_one()
    {
        // "a" and "c" ramp along rows (c with a bump), "b" along columns: a's nearest is c, not b; c's is a.
        string[] labels = ["a", "a", "b", "b", "c", "c"];
        Func<int, int, double>[] shapes = [(i, _) => i, (i, _) => i, (_, j) => 2 * j, (_, j) => 2 * j, (i, j) => i + (i == 1 && j == 1 ? 2 : 0), (i, j) => i + (i == 1 && j == 1 ? 2 : 0)];
        var saliency = Enumerable.Range(0, 6).Select(k => Map(40 + k, shapes[k])).ToArray();
        var entries = Enumerable.Range(0, 6).Select(k => new ClassMapEntry(labels[k], "time", $"{labels[k]}{k}",
            () => new ExampleMaps(Map(60 + k), saliency[k], Map(70 + k), Map(80 + k, (_, _) => 20), 50, SaliencyNormalization.MaskWeight)));
        var rows = new ClassMapStatistics(entries).Distinctiveness().Where(r => r.Estimator == CorpusEstimator.MaskWeight).ToDictionary(r => r.Label);

        var means = new[] { "a", "b", "c" }.ToDictionary(l => l, l => Mean(Enumerable.Range(0, 6).Where(k => labels[k] == l).Select(k => Z(saliency[k])).ToArray()));
        foreach (var label in means.Keys)
        {
            var others = means.Keys.Where(o => o != label).Select(o => (Label: o, R: Pearson(means[label], means[o]))).ToList();
            var best = others.OrderByDescending(o => o.R).First();
            Assert.Equal(best.Label, rows[label].NearestLabel);
            Assert.Equal(best.R, rows[label].NearestCorrelation, 10);
            Assert.Equal(others.Average(o => o.R), rows[label].MeanBetween, 10);
            Assert.True(rows[label].NearestCorrelation >= rows[label].MeanBetween, $"{label}: nearest r {rows[label].NearestCorrelation} below the mean {rows[label].MeanBetween}");
        }
        Assert.Equal("c", rows["a"].NearestLabel);
        Assert.Equal("a", rows["c"].NearestLabel);
    }

    [Fact]
    public void The_mask_weight_estimator_is_recovered_from_a_mask_count_map()
    {
        // Under mask-count normalisation the stored map is Σ s·m / N; the mask-weight one is that × N / Σ m.
        var weightMap = Map(1, (i, _) => i);
        var weights = Map(2, (i, j) => 10 + i * j);
        var countMap = new float[4, 3];
        for (int i = 0; i < 4; i++)
        {
            for (int j = 0; j < 3; j++)
            {
                countMap[i, j] = weightMap[i, j] * weights[i, j] / 40;
            }
        }
        var fromWeight = new ClassMapStatistics([new ClassMapEntry("a", "t", "0", () => new ExampleMaps(weightMap, weightMap, weightMap, weights, 40, SaliencyNormalization.MaskWeight))]).ClassMaps()[0];
        var fromCount = new ClassMapStatistics([new ClassMapEntry("a", "t", "0", () => new ExampleMaps(weightMap, countMap, weightMap, weights, 40, SaliencyNormalization.MaskCount))]).ClassMaps()[0];
        for (int i = 0; i < 4; i++)
        {
            for (int j = 0; j < 3; j++)
            {
                Assert.Equal(fromWeight.Saliency[i, j], fromCount.Saliency[i, j], 4);
                Assert.Equal(fromWeight.SaliencyMaskCount[i, j], fromCount.SaliencyMaskCount[i, j], 4);
            }
        }
    }
}
