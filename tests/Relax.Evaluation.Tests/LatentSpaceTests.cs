namespace Relax.Evaluation.Tests;

/// <summary>PCA and outliers of a latent space against cases worked out by hand.</summary>
public sealed class LatentSpaceTests
{
    [Fact]
    public void Pca_finds_the_directions_of_most_variance_and_their_shares()
    {
        // Points on the line (t, 2t, 0) plus a spread along (0, 0, 1) that is uncorrelated with t (signs + − − + in
        // blocks of four over an arithmetic t): PC 1 carries the line's variance 5 Σ t², PC 2 the spread's.
        var points = new double[48, 3];
        double varianceLine = 0, varianceSpread = 0;
        var t = Enumerable.Range(0, 48).Select(i => i - 23.5).ToArray();
        var z = Enumerable.Range(0, 48).Select(i => i % 4 is 0 or 3 ? 0.3 : -0.3).ToArray();
        double zMean = z.Average();
        for (int i = 0; i < 48; i++)
        {
            (points[i, 0], points[i, 1], points[i, 2]) = (t[i], 2 * t[i], z[i]);
            varianceLine += 5 * t[i] * t[i];
            varianceSpread += (z[i] - zMean) * (z[i] - zMean);
        }
        var (map, explained) = LatentSpace.Pca(points);
        Assert.Equal(varianceLine / (varianceLine + varianceSpread), explained[0], 9);
        Assert.Equal(varianceSpread / (varianceLine + varianceSpread), explained[1], 9);
        for (int i = 0; i < 48; i++)
        {
            Assert.Equal(Math.Sqrt(5) * Math.Abs(t[i]), Math.Abs(map[i, 0]), 6);   // the sign of a component is arbitrary
            Assert.Equal(Math.Abs(z[i] - zMean), Math.Abs(map[i, 1]), 6);
        }
    }

    [Fact]
    public void A_point_among_another_class_is_an_outlier_that_resembles_it()
    {
        // Two clusters on a line; point 3, labelled "a", sits inside cluster "b".
        double[] x = [0, 0.1, 0.2, 10.15, 0.3, 10, 10.1, 10.2, 10.3];
        string[] labels = ["a", "a", "a", "a", "a", "b", "b", "b", "b"];
        var points = new double[x.Length, 1];
        for (int i = 0; i < x.Length; i++)
        {
            points[i, 0] = x[i];
        }
        var outlier = Assert.Single(LatentSpace.Outliers(points, labels, k: 3));
        Assert.Equal(new LatentOutlier(3, "a", "b", 1.0), outlier);
        Assert.Throws<ArgumentException>(() => LatentSpace.Outliers(points, labels[..5], 3));
    }
}
