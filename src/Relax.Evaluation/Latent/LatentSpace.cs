using static TorchSharp.torch;

namespace Relax.Evaluation;

/// <summary>A point whose nearest neighbours in the latent space mostly carry another label.</summary>
/// <param name="Index">The point's row.</param>
/// <param name="Label">Its own label.</param>
/// <param name="Resembles">The label most of its neighbours carry.</param>
/// <param name="OtherShare">The fraction of its neighbours labelled otherwise than itself.</param>
public sealed record LatentOutlier(int Index, string Label, string Resembles, double OtherShare);

/// <summary>Views of a latent space (clip embeddings): a PCA map, and the points whose neighbourhood belongs to another
/// class (the study's "one of the dog sounds appears highly similar to all bird sounds"). A t-SNE map is
/// <see cref="TSne"/>.</summary>
public static class LatentSpace
{
    /// <summary>The points projected on their first two principal components (centred; by SVD), and the share of the
    /// variance each explains.</summary>
    /// <exception cref="ArgumentException">Fewer than 2 points or 2 features.</exception>
    public static (double[,] Map, double[] ExplainedVariance) Pca(double[,] points)
    {
        ArgumentNullException.ThrowIfNull(points);
        int n = points.GetLength(0), d = points.GetLength(1);
        if (n < 2 || d < 2)
        {
            throw new ArgumentException($"PCA needs at least 2 points and 2 features; got {n} × {d}.", nameof(points));
        }
        using var scope = NewDisposeScope();
        var x = tensor(points.Cast<double>().ToArray(), [n, d], ScalarType.Float64);
        var centred = x - x.mean([0L], keepdim: true);
        var (_, s, v) = linalg.svd(centred, fullMatrices: false);
        var projected = centred.matmul(v[..2].T).contiguous();
        var variance = (s * s).data<double>().ToArray();
        double total = variance.Sum();
        var map = new double[n, 2];
        Buffer.BlockCopy(projected.data<double>().ToArray(), 0, map, 0, n * 2 * sizeof(double));
        return (map, variance.Take(2).Select(value => total > 0 ? value / total : 0).ToArray());
    }

    /// <summary>Points most of whose <paramref name="k"/> nearest neighbours (Euclidean, in the latent space itself)
    /// carry another label, with the label they resemble, most out of place first.</summary>
    /// <param name="points">N × D embeddings.</param>
    /// <param name="labels">N labels.</param>
    /// <param name="k">Neighbours, 1 to N − 1. Default 10.</param>
    public static IReadOnlyList<LatentOutlier> Outliers(double[,] points, IReadOnlyList<string> labels, int k = 10)
    {
        ArgumentNullException.ThrowIfNull(points);
        ArgumentNullException.ThrowIfNull(labels);
        int n = points.GetLength(0);
        if (labels.Count != n)
        {
            throw new ArgumentException($"{labels.Count} labels for {n} points.", nameof(labels));
        }
        ArgumentOutOfRangeException.ThrowIfLessThan(k, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(k, n);
        var outliers = new List<LatentOutlier>();
        for (int i = 0; i < n; i++)
        {
            var neighbours = NeighbourhoodMetrics.Ranking(points, i).Take(k).Select(j => labels[j]).ToList();
            double other = neighbours.Count(l => l != labels[i]) / (double)k;
            if (other > 0.5)
            {
                var resembles = neighbours.Where(l => l != labels[i]).GroupBy(l => l).OrderByDescending(g => g.Count()).ThenBy(g => g.Key, StringComparer.Ordinal).First().Key;
                outliers.Add(new LatentOutlier(i, labels[i], resembles, other));
            }
        }
        return outliers.OrderByDescending(o => o.OtherShare).ThenBy(o => o.Index).ToList();
    }
}
