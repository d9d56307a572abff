namespace Relax.Evaluation;

/// <summary>How much of a map's relevance falls inside a ground-truth region, against how much of the input the region covers.</summary>
/// <param name="MassInside">Share of the positive relevance mass inside the region, in [0, 1].</param>
/// <param name="AreaInside">Share of the cells inside the region, in [0, 1]: what a map without information scores on average.</param>
public readonly record struct LocalisationScore(double MassInside, double AreaInside)
{
    /// <summary>MassInside / AreaInside: 1 for an uninformative map, up to 1 / AreaInside for a perfect one.</summary>
    public double Gain => AreaInside > 0 ? MassInside / AreaInside : double.NaN;
}

/// <summary>
/// Relevance mass accuracy (Arras et al., 2022) for RELAX maps. RELAX saliency is a similarity level (near 1 for
/// robust models), so relevance is first measured from the map's median: mass = max(0, R − median(R)). The score is
/// the share of that mass inside the region where the input's evidence truly lies.
/// </summary>
public static class RelevanceMass
{
    /// <summary>Scores <paramref name="map"/> against <paramref name="region"/> (same shape).</summary>
    /// <exception cref="ArgumentException">Shapes differ, the region is empty, or the map is not finite.</exception>
    public static LocalisationScore Score(float[,] map, bool[,] region)
    {
        ArgumentNullException.ThrowIfNull(map);
        ArgumentNullException.ThrowIfNull(region);
        int h = map.GetLength(0), w = map.GetLength(1);
        if (region.GetLength(0) != h || region.GetLength(1) != w)
        {
            throw new ArgumentException($"The region is {region.GetLength(0)} × {region.GetLength(1)} but the map is {h} × {w}.", nameof(region));
        }
        var values = new float[map.Length];
        int k = 0, cellsInside = 0;
        for (int i = 0; i < h; i++)
        {
            for (int j = 0; j < w; j++)
            {
                if (!float.IsFinite(map[i, j]))
                {
                    throw new ArgumentException($"The map has a non-finite value at ({i}, {j}).", nameof(map));
                }
                values[k++] = map[i, j];
                cellsInside += region[i, j] ? 1 : 0;
            }
        }
        if (cellsInside == 0)
        {
            throw new ArgumentException("The region is empty.", nameof(region));
        }

        Array.Sort(values);
        double median = values.Length % 2 == 1 ? values[values.Length / 2] : 0.5 * (values[values.Length / 2 - 1] + values[values.Length / 2]);
        double total = 0, inside = 0;
        for (int i = 0; i < h; i++)
        {
            for (int j = 0; j < w; j++)
            {
                double mass = Math.Max(0, map[i, j] - median);
                total += mass;
                inside += region[i, j] ? mass : 0;
            }
        }
        double area = (double)cellsInside / map.Length;
        return new LocalisationScore(total > 0 ? inside / total : area, area);
    }
}
