using System.Text.Json;
using Relax.IO;
using Xunit.Abstractions;

namespace Relax.Evaluation.Tests;

/// <summary>
/// Exact t-SNE against scikit-learn 1.2's <c>TSNE(method="exact")</c> on the same fixed input (180 points in 12-D:
/// three Gaussian clusters of unequal spread and a ring; tools/reference/tsne_reference.py wrote the input and
/// scikit-learn's scores once). Maps are compared by what they are for, not by coordinates (which differ by rotation,
/// reflection and local minimum): trustworthiness at k = 5 and 10 within 0.02 of scikit-learn's map, kept 10-nearest
/// neighbours within 0.05, final KL divergence within 0.1. The neighbourhood metrics themselves are checked against
/// scikit-learn's on a map that is not t-SNE's.
/// </summary>
public sealed class TSneTests(ITestOutputHelper output)
{
    private static string Fixture(string name) => Path.Combine(AppContext.BaseDirectory, "Fixtures", name);

    private static double[,] Input()
    {
        var (data, shape) = NpyFile.Read(Fixture("tsne_input.npy"));
        var x = new double[shape[0], shape[1]];
        for (int i = 0; i < data.Length; i++)
        {
            x[i / shape[1], i % shape[1]] = data[i];
        }
        return x;
    }

    private static JsonElement Reference() => JsonDocument.Parse(File.ReadAllText(Fixture("tsne_reference.json"))).RootElement;

    [Fact]
    public void The_neighbourhood_metrics_match_scikit_learns()
    {
        var x = Input();
        var projection = new double[x.GetLength(0), 2];
        for (int i = 0; i < x.GetLength(0); i++)
        {
            projection[i, 0] = x[i, 0];
            projection[i, 1] = x[i, 1];
        }
        var reference = Reference();
        Assert.Equal(reference.GetProperty("projection_trustworthiness_5").GetDouble(), NeighbourhoodMetrics.Trustworthiness(x, projection, 5), 9);
        Assert.Equal(reference.GetProperty("projection_kept_neighbours_10").GetDouble(), NeighbourhoodMetrics.KeptNeighbours(x, projection, 10), 9);
    }

    [Fact]
    public void The_map_keeps_neighbourhoods_as_well_as_scikit_learns_exact_t_sne()
    {
        var x = Input();
        var reference = Reference();
        var (map, kl) = TSne.Fit(x);
        double t5 = NeighbourhoodMetrics.Trustworthiness(x, map, 5), t10 = NeighbourhoodMetrics.Trustworthiness(x, map, 10);
        double kept = NeighbourhoodMetrics.KeptNeighbours(x, map, 10);
        output.WriteLine($"ours: trustworthiness(5) {t5:F4}, (10) {t10:F4}, kept 10-NN {kept:F4}, KL {kl:F4}; scikit-learn: {reference}");
        Assert.True(t5 >= reference.GetProperty("trustworthiness_5").GetDouble() - 0.02, $"trustworthiness(5) {t5:F4}");
        Assert.True(t10 >= reference.GetProperty("trustworthiness_10").GetDouble() - 0.02, $"trustworthiness(10) {t10:F4}");
        Assert.True(kept >= reference.GetProperty("kept_neighbours_10").GetDouble() - 0.05, $"kept neighbours {kept:F4}");
        Assert.True(Math.Abs(kl - reference.GetProperty("kl_divergence").GetDouble()) <= 0.1, $"KL {kl:F4}");
        // A map of random points keeps far fewer neighbours: the bounds above are not met by chance.
        var random = new Random(1);
        var noise = new double[x.GetLength(0), 2];
        for (int i = 0; i < noise.GetLength(0); i++)
        {
            noise[i, 0] = random.NextDouble();
            noise[i, 1] = random.NextDouble();
        }
        Assert.True(NeighbourhoodMetrics.KeptNeighbours(x, noise, 10) < 0.2);
        Assert.True(NeighbourhoodMetrics.Trustworthiness(x, noise, 5) < 0.7);
    }

    [Fact]
    public void Bad_inputs_are_refused()
    {
        Assert.Throws<ArgumentException>(() => TSne.Fit(new double[2, 3]));
        Assert.Throws<ArgumentException>(() => TSne.Fit(new double[10, 3], new TSneOptions { Perplexity = 10 }));
        var nan = new double[5, 2];
        nan[2, 1] = double.NaN;
        Assert.Throws<ArgumentException>(() => TSne.Fit(nan, new TSneOptions { Perplexity = 2 }));
        Assert.Throws<ArgumentOutOfRangeException>(() => new TSneOptions { Iterations = 10 });
    }
}
