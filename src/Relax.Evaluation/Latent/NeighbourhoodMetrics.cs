namespace Relax.Evaluation;

/// <summary>How well a low-dimensional map keeps the neighbourhoods of the points it shows (Euclidean distances).</summary>
public static class NeighbourhoodMetrics
{
    /// <summary>Trustworthiness (Venna &amp; Kaski, 2001; scikit-learn's <c>manifold.trustworthiness</c>): 1 minus a
    /// penalty for every point that is among a point's <paramref name="k"/> nearest in the map but not in the input,
    /// weighted by how far down the input's ranking it sits. 1 means no false neighbours.</summary>
    /// <param name="input">N × D points.</param>
    /// <param name="map">N × d map of the same points.</param>
    /// <param name="k">Neighbours, 1 to below N / 2.</param>
    public static double Trustworthiness(double[,] input, double[,] map, int k)
    {
        int n = Check(input, map, k);
        if (k >= n / 2.0)
        {
            throw new ArgumentOutOfRangeException(nameof(k), k, $"Use fewer than half the points ({n}) as neighbours.");
        }
        double penalty = 0;
        for (int i = 0; i < n; i++)
        {
            var inputRank = new int[n];
            var order = Ranking(input, i);
            for (int r = 0; r < order.Length; r++)
            {
                inputRank[order[r]] = r + 1;
            }
            foreach (int j in Ranking(map, i).Take(k))
            {
                penalty += Math.Max(0, inputRank[j] - k);
            }
        }
        return 1 - penalty * (2.0 / (n * k * (2.0 * n - 3.0 * k - 1.0)));
    }

    /// <summary>The mean fraction of each point's <paramref name="k"/> nearest neighbours in the input that are also
    /// among its <paramref name="k"/> nearest in the map.</summary>
    public static double KeptNeighbours(double[,] input, double[,] map, int k)
    {
        int n = Check(input, map, k);
        double kept = 0;
        for (int i = 0; i < n; i++)
        {
            var near = Ranking(input, i).Take(k).ToHashSet();
            kept += Ranking(map, i).Take(k).Count(near.Contains) / (double)k;
        }
        return kept / n;
    }

    /// <summary>The other points in order of distance from point <paramref name="i"/> (ties by index).</summary>
    internal static int[] Ranking(double[,] points, int i)
    {
        int n = points.GetLength(0), d = points.GetLength(1);
        var distance = new double[n];
        for (int j = 0; j < n; j++)
        {
            double sum = 0;
            for (int c = 0; c < d; c++)
            {
                double delta = points[i, c] - points[j, c];
                sum += delta * delta;
            }
            distance[j] = sum;
        }
        return Enumerable.Range(0, n).Where(j => j != i).OrderBy(j => distance[j]).ThenBy(j => j).ToArray();
    }

    private static int Check(double[,] input, double[,] map, int k)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(map);
        int n = input.GetLength(0);
        if (map.GetLength(0) != n)
        {
            throw new ArgumentException($"The map has {map.GetLength(0)} points, the input {n}.", nameof(map));
        }
        ArgumentOutOfRangeException.ThrowIfLessThan(k, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(k, n);
        return n;
    }
}
