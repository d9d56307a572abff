using Relax.Evaluation;
namespace Relax.Runs;

/// <summary>The two saliency estimators a corpus compares: the RELAX reference code's mask-weight normalisation
/// (Σ s·m / Σ m) and the paper's 1/N (Σ s·m / N).</summary>
public enum CorpusEstimator
{
    /// <summary>Σₙ s(n)·M(n) / Σₙ M(n).</summary>
    MaskWeight,

    /// <summary>Σₙ s(n)·M(n) / N.</summary>
    MaskCount,
}

/// <summary>Average maps of one class with one mask kind.</summary>
/// <param name="Label">The class.</param>
/// <param name="MaskKind">The mask kind.</param>
/// <param name="Examples">How many examples were averaged.</param>
/// <param name="LogMel">Mean log-mel (not standardised: its level is meaningful).</param>
/// <param name="Saliency">Mean standardised saliency, mask-weight estimator.</param>
/// <param name="SaliencyMaskCount">Mean standardised saliency, the paper's 1/N estimator.</param>
/// <param name="Uncertainty">Mean standardised uncertainty.</param>
public sealed record ClassMaps(string Label, string MaskKind, int Examples, float[,] LogMel, float[,] Saliency, float[,] SaliencyMaskCount, float[,] Uncertainty);

/// <summary>How distinct one class's average map is, for one mask kind and estimator: its split-half
/// reproducibility against its correlation with the other classes' average maps. A class whose map is reproducible
/// within the class (high <paramref name="SplitHalf"/>) but unlike the others (low <paramref name="MeanBetween"/>) has a
/// class-specific explanation; the study's claim for random masks is that the between-class correlation is as high
/// as the within-class one.</summary>
/// <param name="MaskKind">The mask kind.</param>
/// <param name="Estimator">The saliency estimator.</param>
/// <param name="Label">The class.</param>
/// <param name="Examples">Its examples.</param>
/// <param name="SplitHalf">Pearson correlation between the average maps of two halves of the class (examples
/// alternately assigned in order of recording and example); NaN with fewer than two examples.</param>
/// <param name="MeanBetween">Mean Pearson correlation of the class's average map with every other class's; NaN with one class.</param>
/// <param name="NearestLabel">The other class whose average map correlates most with this one's, or null.</param>
/// <param name="NearestCorrelation">That correlation.</param>
public sealed record DistinctivenessRow(string MaskKind, CorpusEstimator Estimator, string Label, int Examples, double SplitHalf,
    double MeanBetween, string? NearestLabel, double NearestCorrelation);

/// <summary>The maps of one explained example, as a corpus stores them.</summary>
/// <param name="LogMel">The example's log-mel.</param>
/// <param name="Saliency">The saliency as computed with <paramref name="Normalization"/>.</param>
/// <param name="Uncertainty">The uncertainty.</param>
/// <param name="MaskWeight">Σ M per cell.</param>
/// <param name="MasksUsed">N.</param>
/// <param name="Normalization">The estimator that made <paramref name="Saliency"/>.</param>
internal sealed record ExampleMaps(float[,] LogMel, float[,] Saliency, float[,] Uncertainty, float[,] MaskWeight, int MasksUsed, SaliencyNormalization Normalization);

/// <summary>One example to average: its class, mask kind, a key that orders it (recording and example) and how to load its maps.</summary>
internal sealed record ClassMapEntry(string Label, string Kind, string SortKey, Func<ExampleMaps> Load);

/// <summary>
/// Averages a corpus's maps per class and mask kind (<see cref="ClassMaps"/>) and derives the distinctiveness table,
/// streaming: maps are loaded one at a time and summed per class, kind and half. Each example's saliency and uncertainty
/// maps are standardised (z-scores over its cells) before averaging: RELAX's saliency sits at the level of the masked
/// embeddings' mean similarity, which varies between clips (and differs between the two estimators by the mask
/// weight), so raw averages would weigh clips by that level; the standardised average compares where each clip's
/// evidence lies. A map without spread counts as zeros. Halves for the split-half correlation: a class's examples in
/// order of their sort key, alternately assigned, so the split does not depend on the order the work ran in.
/// </summary>
internal sealed class ClassMapStatistics
{
    private const int Quantities = 4; // log-mel, saliency (mask weight), saliency (1/N), uncertainty
    private readonly SortedDictionary<(string Kind, string Label), Sums> _groups = new();

    /// <summary>Loads and sums every entry.</summary>
    public ClassMapStatistics(IEnumerable<ClassMapEntry> entries, CancellationToken cancellationToken = default)
    {
        foreach (var group in entries.GroupBy(e => (e.Kind, e.Label)))
        {
            var ordered = group.OrderBy(e => e.SortKey, StringComparer.Ordinal).ToList();
            Sums? sums = null;
            for (int k = 0; k < ordered.Count; k++)
            {
                cancellationToken.ThrowIfCancellationRequested();
                var maps = ordered[k].Load();
                sums ??= new Sums(maps.Saliency.GetLength(0), maps.Saliency.GetLength(1));
                sums.Add(k % 2, Vectors(maps));
            }
            _groups[group.Key] = sums!;
        }
    }

    /// <summary>Class averages, by mask kind then label (ordinal).</summary>
    public IReadOnlyList<ClassMaps> ClassMaps() => _groups.Select(g => new ClassMaps(g.Key.Label, g.Key.Kind, g.Value.Count,
        g.Value.Map(0), g.Value.Map(1), g.Value.Map(2), g.Value.Map(3))).ToList();

    /// <summary>The distinctiveness table: per mask kind, estimator and class.</summary>
    public IReadOnlyList<DistinctivenessRow> Distinctiveness()
    {
        var rows = new List<DistinctivenessRow>();
        foreach (var kind in _groups.Keys.Select(k => k.Kind).Distinct())
        {
            var labels = _groups.Keys.Where(k => k.Kind == kind).Select(k => k.Label).ToList();
            foreach (var (estimator, quantity) in new[] { (CorpusEstimator.MaskWeight, 1), (CorpusEstimator.MaskCount, 2) })
            {
                var means = labels.ToDictionary(l => l, l => _groups[(kind, l)].Mean(quantity, null));
                foreach (var label in labels)
                {
                    var group = _groups[(kind, label)];
                    double splitHalf = group.Count < 2 ? double.NaN : RankCorrelation.Pearson(group.Mean(quantity, 0), group.Mean(quantity, 1));
                    var others = labels.Where(l => l != label).Select(l => (Label: l, R: RankCorrelation.Pearson(means[label], means[l]))).ToList();
                    var nearest = others.Count == 0 ? default : others.MaxBy(o => double.IsNaN(o.R) ? double.NegativeInfinity : o.R);
                    rows.Add(new DistinctivenessRow(kind, estimator, label, group.Count, splitHalf,
                        others.Count == 0 ? double.NaN : others.Average(o => o.R), others.Count == 0 ? null : nearest.Label,
                        others.Count == 0 ? double.NaN : nearest.R));
                }
            }
        }
        return rows;
    }

    /// <summary>The four vectors of an example: log-mel as is, both saliency estimators and the uncertainty standardised.</summary>
    private static double[][] Vectors(ExampleMaps maps)
    {
        int cells = maps.Saliency.Length, w = maps.Saliency.GetLength(1);
        var weightEstimate = new double[cells];
        var countEstimate = new double[cells];
        for (int c = 0; c < cells; c++)
        {
            double s = maps.Saliency[c / w, c % w], m = maps.MaskWeight[c / w, c % w];
            (weightEstimate[c], countEstimate[c]) = maps.Normalization == SaliencyNormalization.MaskWeight
                ? (s, s * m / maps.MasksUsed)
                : (m > 0 ? s * maps.MasksUsed / m : 0, s);
        }
        return [Flatten(maps.LogMel), Standardise(weightEstimate), Standardise(countEstimate), Standardise(Flatten(maps.Uncertainty))];
    }

    /// <summary>Z-scores over the cells; a map without spread (or with a non-finite value) becomes zeros.</summary>
    internal static double[] Standardise(double[] values)
    {
        double mean = values.Average();
        double sd = Math.Sqrt(values.Sum(v => (v - mean) * (v - mean)) / values.Length);
        return sd > 1e-12 && double.IsFinite(sd) ? values.Select(v => (v - mean) / sd).ToArray() : new double[values.Length];
    }

    private static double[] Flatten(float[,] map)
    {
        var flat = new double[map.Length];
        int k = 0;
        foreach (var v in map)
        {
            flat[k++] = v;
        }
        return flat;
    }

    /// <summary>Running sums per half and quantity.</summary>
    private sealed class Sums(int height, int width)
    {
        private readonly double[,][] _sum = new double[2, Quantities][];
        private readonly int[] _count = new int[2];

        public int Count => _count[0] + _count[1];

        public void Add(int half, double[][] vectors)
        {
            for (int q = 0; q < Quantities; q++)
            {
                var sum = _sum[half, q] ??= new double[height * width];
                for (int c = 0; c < sum.Length; c++)
                {
                    sum[c] += vectors[q][c];
                }
            }
            _count[half]++;
        }

        /// <summary>The mean of a quantity over both halves (null) or one.</summary>
        public double[] Mean(int quantity, int? half)
        {
            var mean = new double[height * width];
            int n = 0;
            foreach (int h in half is { } only ? [only] : new[] { 0, 1 })
            {
                if (_sum[h, quantity] is { } sum)
                {
                    for (int c = 0; c < mean.Length; c++)
                    {
                        mean[c] += sum[c];
                    }
                }
                n += _count[h];
            }
            return mean.Select(v => v / Math.Max(1, n)).ToArray();
        }

        public float[,] Map(int quantity)
        {
            var mean = Mean(quantity, null);
            var map = new float[height, width];
            for (int c = 0; c < mean.Length; c++)
            {
                map[c / width, c % width] = (float)mean[c];
            }
            return map;
        }
    }
}
