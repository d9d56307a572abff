using Relax.Evaluation;

namespace Relax.Samples;

/// <summary>Averages and correlations of (frames × bands) maps.</summary>
public static class MapStatistics
{
    /// <summary>The cell-wise mean of maps of one shape.</summary>
    public static float[,] Average(IReadOnlyList<float[,]> maps)
    {
        ArgumentNullException.ThrowIfNull(maps);
        if (maps.Count == 0)
        {
            throw new ArgumentException("No maps to average.", nameof(maps));
        }
        int h = maps[0].GetLength(0), w = maps[0].GetLength(1);
        var sum = new double[h, w];
        foreach (var m in maps)
        {
            for (int i = 0; i < h; i++)
            {
                for (int j = 0; j < w; j++)
                {
                    sum[i, j] += m[i, j];
                }
            }
        }
        var mean = new float[h, w];
        for (int i = 0; i < h; i++)
        {
            for (int j = 0; j < w; j++)
            {
                mean[i, j] = (float)(sum[i, j] / maps.Count);
            }
        }
        return mean;
    }

    /// <summary>Mean Pearson correlation over the given pairs (NaN pairs, from flat maps, are left out; NaN if none remain).</summary>
    public static double MeanCorrelation(IEnumerable<(float[,] A, float[,] B)> pairs)
    {
        ArgumentNullException.ThrowIfNull(pairs);
        var values = pairs.Select(p => RankCorrelation.Pearson(p.A, p.B)).Where(double.IsFinite).ToList();
        return values.Count == 0 ? double.NaN : values.Average();
    }

    /// <summary>All unordered pairs (i &lt; j) of indices 0…n−1 that <paramref name="keep"/> accepts.</summary>
    public static IEnumerable<(int I, int J)> Pairs(int n, Func<int, int, bool> keep)
    {
        ArgumentNullException.ThrowIfNull(keep);
        for (int i = 0; i < n; i++)
        {
            for (int j = i + 1; j < n; j++)
            {
                if (keep(i, j))
                {
                    yield return (i, j);
                }
            }
        }
    }
}
