namespace Relax.Evaluation;

/// <summary>Agreement between attribution maps.</summary>
public static class RankCorrelation
{
    /// <summary>Spearman's rank correlation of two maps of the same shape (ties get their average rank).</summary>
    public static double Spearman(float[,] a, float[,] b)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        if (a.GetLength(0) != b.GetLength(0) || a.GetLength(1) != b.GetLength(1))
        {
            throw new ArgumentException($"Maps differ in shape: {a.GetLength(0)} × {a.GetLength(1)} and {b.GetLength(0)} × {b.GetLength(1)}.", nameof(b));
        }
        return Pearson(Ranks(a.Cast<float>().ToArray()), Ranks(b.Cast<float>().ToArray()));
    }

    /// <summary>Pearson's correlation of two maps of the same shape.</summary>
    public static double Pearson(float[,] a, float[,] b)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        if (a.GetLength(0) != b.GetLength(0) || a.GetLength(1) != b.GetLength(1))
        {
            throw new ArgumentException("Maps differ in shape.", nameof(b));
        }
        return Pearson(a.Cast<float>().Select(v => (double)v).ToArray(), b.Cast<float>().Select(v => (double)v).ToArray());
    }

    private static double[] Ranks(float[] values)
    {
        var order = Enumerable.Range(0, values.Length).OrderBy(i => values[i]).ToArray();
        var ranks = new double[values.Length];
        for (int start = 0; start < order.Length;)
        {
            int end = start;
            while (end + 1 < order.Length && values[order[end + 1]] == values[order[start]])
            {
                end++;
            }
            double average = (start + end) / 2.0 + 1;
            for (int k = start; k <= end; k++)
            {
                ranks[order[k]] = average;
            }
            start = end + 1;
        }
        return ranks;
    }

    /// <summary>Pearson correlation of two vectors of the same length; NaN when either has no spread.</summary>
    public static double Pearson(double[] a, double[] b)
    {
        double ma = a.Average(), mb = b.Average(), sab = 0, saa = 0, sbb = 0;
        for (int i = 0; i < a.Length; i++)
        {
            sab += (a[i] - ma) * (b[i] - mb);
            saa += (a[i] - ma) * (a[i] - ma);
            sbb += (b[i] - mb) * (b[i] - mb);
        }
        return saa > 0 && sbb > 0 ? sab / Math.Sqrt(saa * sbb) : double.NaN;
    }
}
