using System.Text.Json;
using Relax.IO;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace Relax.Evaluation.Tests;

/// <summary>
/// Barnes–Hut t-SNE: its map against scikit-learn 1.2's <c>TSNE(method="barnes_hut", angle=0.5)</c> on the same fixed
/// input (1,500 points in 16-D: five Gaussian clusters of unequal size and spread and a ring;
/// tools/reference/tsne_bh_reference.py wrote the input and scikit-learn's scores once), compared by trustworthiness at
/// k = 5 and 10 (within 0.02) and kept neighbours (within 0.05); its gradient with θ = 0 against a brute-force float64
/// gradient on the same affinities (to 1e-12), and with θ = 0.5 close to it; its affinities by their definition.
/// </summary>
public sealed class BarnesHutTSneTests(ITestOutputHelper output)
{
    private static string Fixture(string name) => Path.Combine(AppContext.BaseDirectory, "Fixtures", name);

    private static double[,] Input()
    {
        var (data, shape) = NpyFile.Read(Fixture("tsne_bh_input.npy"));
        var x = new double[shape[0], shape[1]];
        for (int i = 0; i < data.Length; i++)
        {
            x[i / shape[1], i % shape[1]] = data[i];
        }
        return x;
    }

    private static JsonElement Reference() => JsonDocument.Parse(File.ReadAllText(Fixture("tsne_bh_reference.json"))).RootElement;

    [Fact]
    public void The_map_keeps_neighbourhoods_as_well_as_scikit_learns_barnes_hut_t_sne()
    {
        var x = Input();
        var reference = Reference();
        var (map, kl) = TSne.Fit(x, new TSneOptions { Method = TSneMethod.BarnesHut });
        double t5 = NeighbourhoodMetrics.Trustworthiness(x, map, 5), t10 = NeighbourhoodMetrics.Trustworthiness(x, map, 10);
        double kept = NeighbourhoodMetrics.KeptNeighbours(x, map, 10);
        output.WriteLine($"ours: trustworthiness(5) {t5:F4}, (10) {t10:F4}, kept 10-NN {kept:F4}, KL {kl:F4}; scikit-learn: {reference}");
        Assert.True(Math.Abs(t5 - reference.GetProperty("trustworthiness_5").GetDouble()) <= 0.02, $"trustworthiness(5) {t5:F4}");
        Assert.True(Math.Abs(t10 - reference.GetProperty("trustworthiness_10").GetDouble()) <= 0.02, $"trustworthiness(10) {t10:F4}");
        Assert.True(kept >= reference.GetProperty("kept_neighbours_10").GetDouble() - 0.05, $"kept neighbours {kept:F4}");
        // The same KL over the same neighbour pairs (1.2893 against 1.2877 when this test was written).
        Assert.True(Math.Abs(kl - reference.GetProperty("kl_divergence").GetDouble()) <= 0.05, $"KL {kl:F4}");
    }

    [Fact]
    public void A_map_is_the_same_bits_every_time()
    {
        var x = Subset(Input(), 400);
        var options = new TSneOptions { Method = TSneMethod.BarnesHut, Perplexity = 20, Iterations = 300 };
        var (a, klA) = TSne.Fit(x, options);
        var (b, klB) = TSne.Fit(x, options);
        Assert.Equal(klA, klB);
        Assert.Equal(a.Cast<double>(), b.Cast<double>());
    }

    [Fact]
    public void The_affinities_are_symmetric_sum_to_one_and_cover_each_points_nearest_neighbours()
    {
        var x = Subset(Input(), 300);
        using var scope = NewDisposeScope();
        var bh = BarnesHutTSne.Affinities(tensor(x.Cast<double>().ToArray(), [300, x.GetLength(1)], ScalarType.Float64), 10, CancellationToken.None);
        var pairs = bh.Pairs().ToDictionary(p => (p.Row, p.Column), p => p.P);
        Assert.Equal(1.0, pairs.Values.Sum(), 12);
        foreach (var ((i, j), p) in pairs)
        {
            Assert.True(p > 0, $"p[{i},{j}] = {p}");
            Assert.NotEqual(i, j);
            Assert.Equal(p, pairs[(j, i)], 15);
        }
        // Every point's 31 nearest (k = ⌊3 · 10 + 1⌋), by brute force in float64, have a pair.
        for (int i = 0; i < 300; i += 17)
        {
            foreach (int j in NeighbourhoodMetrics.Ranking(x, i).Take(31))
            {
                Assert.True(pairs.ContainsKey((i, j)), $"point {i} lacks its neighbour {j}");
            }
        }
    }

    [Theory]
    [InlineData(0.0, 1e-12)]
    [InlineData(0.5, 0.05)]
    public void The_gradient_equals_the_exact_one_on_the_same_affinities(double angle, double tolerance)
    {
        var x = Subset(Input(), 250);
        int n = 250;
        using var scope = NewDisposeScope();
        var bh = BarnesHutTSne.Affinities(tensor(x.Cast<double>().ToArray(), [n, x.GetLength(1)], ScalarType.Float64), 15, CancellationToken.None);
        var random = new Random(3);
        var y = Enumerable.Range(0, 2 * n).Select(_ => random.NextDouble() * 20 - 10).ToArray();
        y[2] = y[0]; // a duplicate point: it exerts no force on its twin
        y[3] = y[1];
        var (gradient, _) = bh.Gradient(y, exaggeration: 1, angle, computeError: false);

        // Brute force: 4 Σⱼ (pᵢⱼ − qᵢⱼ) qᵢⱼZ (yᵢ − yⱼ), Z = Σ_{k≠l} 1 / (1 + ‖yₖ − yₗ‖²), duplicates excluded as the
        // tree excludes them.
        var p = new double[n, n];
        foreach (var (i, j, v) in bh.Pairs())
        {
            p[i, j] = v;
        }
        double z = 0;
        for (int i = 0; i < n; i++)
        {
            for (int j = 0; j < n; j++)
            {
                if (!Same(y, i, j))
                {
                    z += 1 / (1 + D2(y, i, j));
                }
            }
        }
        double worst = 0, scale = 0;
        for (int i = 0; i < n; i++)
        {
            double gx = 0, gy = 0;
            for (int j = 0; j < n; j++)
            {
                double qz = 1 / (1 + D2(y, i, j));
                double weight = (p[i, j] - (Same(y, i, j) ? 0 : qz / z)) * qz;
                gx += 4 * weight * (y[2 * i] - y[2 * j]);
                gy += 4 * weight * (y[2 * i + 1] - y[2 * j + 1]);
            }
            worst = Math.Max(worst, Math.Max(Math.Abs(gx - gradient[2 * i]), Math.Abs(gy - gradient[2 * i + 1])));
            scale = Math.Max(scale, Math.Max(Math.Abs(gx), Math.Abs(gy)));
        }
        output.WriteLine($"θ = {angle}: largest difference {worst:E2}, largest component {scale:E2}");
        Assert.True(worst <= tolerance * scale, $"largest difference {worst:E3} against {scale:E3}");
    }

    [Fact]
    public void Many_points_on_one_place_neither_break_the_tree_nor_the_map()
    {
        var x = new double[200, 3];
        for (int i = 0; i < 200; i++)
        {
            // 150 copies of one point, 50 spread out.
            x[i, 0] = i < 150 ? 1 : i;
            x[i, 1] = i < 150 ? 2 : -i / 3.0;
            x[i, 2] = i % 7;
        }
        var (map, kl) = TSne.Fit(x, new TSneOptions { Method = TSneMethod.BarnesHut, Perplexity = 10, Iterations = 300 });
        Assert.True(double.IsFinite(kl), $"KL {kl}");
        Assert.All(map.Cast<double>(), v => Assert.True(double.IsFinite(v)));
    }

    private static bool Same(double[] y, int i, int j) => y[2 * i] == y[2 * j] && y[2 * i + 1] == y[2 * j + 1];

    private static double D2(double[] y, int i, int j)
    {
        double dx = y[2 * i] - y[2 * j], dy = y[2 * i + 1] - y[2 * j + 1];
        return dx * dx + dy * dy;
    }

    private static double[,] Subset(double[,] x, int n)
    {
        // Every k-th point, so that each cluster is represented.
        int step = x.GetLength(0) / n, d = x.GetLength(1);
        var s = new double[n, d];
        for (int i = 0; i < n; i++)
        {
            for (int c = 0; c < d; c++)
            {
                s[i, c] = x[i * step, c];
            }
        }
        return s;
    }
}
