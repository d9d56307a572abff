using static TorchSharp.torch;

namespace Relax.Evaluation;

/// <summary>
/// The parts of Barnes–Hut t-SNE (van der Maaten, JMLR 2014; scikit-learn's <c>method="barnes_hut"</c>) that differ
/// from the exact method: input affinities over each point's ⌊3·perplexity⌋ + 1 nearest neighbours only (a sparse,
/// symmetrised P), and a gradient whose attraction runs over those pairs and whose repulsion comes from a
/// <see cref="QuadTree"/> with the angle θ. Memory is O(N·k) and time per iteration O(N log N), so 100,000 points fit
/// where the exact method's N × N matrices would not. The optimiser around it is <see cref="TSne"/>'s.
/// </summary>
internal sealed class BarnesHutTSne
{
    /// <summary>Points per block of the neighbour search (a block × N distance matrix at a time).</summary>
    private const long SearchCells = 1 << 22;

    /// <summary>Blocks of points whose repulsion sums are added in a fixed order: the result does not depend on how
    /// many threads ran.</summary>
    private const int Blocks = 64;

    private readonly int _n;
    private readonly int[] _rowStart;
    private readonly int[] _columns;
    private readonly double[] _p;

    private BarnesHutTSne(int n, int[] rowStart, int[] columns, double[] p) => (_n, _rowStart, _columns, _p) = (n, rowStart, columns, p);

    /// <summary>The affinity of each stored pair, row by row (for tests).</summary>
    internal IEnumerable<(int Row, int Column, double P)> Pairs()
    {
        for (int i = 0; i < _n; i++)
        {
            for (int k = _rowStart[i]; k < _rowStart[i + 1]; k++)
            {
                yield return (i, _columns[k], _p[k]);
            }
        }
    }

    /// <summary>The sparse joint probabilities of the rows of <paramref name="x"/> (N × D, float64): the k nearest
    /// neighbours by squared Euclidean distance (k = min(N − 1, ⌊3·perplexity + 1⌋)), each row's Gaussian calibrated
    /// to the perplexity over them, then P = (P + Pᵀ) / Σ.</summary>
    public static BarnesHutTSne Affinities(Tensor x, double perplexity, CancellationToken cancellationToken)
    {
        int n = (int)x.shape[0];
        int k = Math.Min(n - 1, (int)(3 * perplexity + 1));
        var (distances, neighbours) = NearestNeighbours(x, k, cancellationToken);
        double[] conditional;
        using (var scope = NewDisposeScope())
        {
            var d = tensor(distances, [n, k], ScalarType.Float64);
            conditional = TSne.ConditionalProbabilities(d, keep: null, perplexity).contiguous().data<double>().ToArray();
        }

        // P + Pᵀ: every (i, j, p) and (j, i, p), sorted by (row, column), equal pairs summed.
        var keys = new long[2L * n * k];
        var values = new double[keys.Length];
        for (int i = 0, e = 0; i < n; i++)
        {
            for (int m = 0; m < k; m++, e += 2)
            {
                int j = neighbours[i * k + m];
                keys[e] = (long)i * n + j;
                keys[e + 1] = (long)j * n + i;
                values[e] = values[e + 1] = conditional[i * k + m];
            }
        }
        Array.Sort(keys, values);
        var rowStart = new int[n + 1];
        var columns = new List<int>(keys.Length);
        var p = new List<double>(keys.Length);
        for (int e = 0; e < keys.Length; e++)
        {
            if (e > 0 && keys[e] == keys[e - 1])
            {
                p[^1] += values[e];
                continue;
            }
            int row = (int)(keys[e] / n);
            rowStart[row + 1]++;
            columns.Add((int)(keys[e] % n));
            p.Add(values[e]);
        }
        for (int i = 0; i < n; i++)
        {
            rowStart[i + 1] += rowStart[i];
        }
        double total = Math.Max(p.Sum(), TSne.MachineEpsilon);
        var joint = p.Select(v => v / total).ToArray();
        return new BarnesHutTSne(n, rowStart, [.. columns], joint);
    }

    /// <summary>The KL gradient at the map <paramref name="y"/> (N × 2, row-major) with the affinities times
    /// <paramref name="exaggeration"/>: 4 (Σⱼ pᵢⱼ qᵢⱼZ (yᵢ − yⱼ) − Σⱼ qᵢⱼ²Z² (yᵢ − yⱼ) / Z), the second sum by the tree
    /// with angle θ; and, when asked, KL(P‖Q) over the stored pairs (scikit-learn's error, floored as it floors).</summary>
    public (double[] Gradient, double? Error) Gradient(double[] y, double exaggeration, double angle, bool computeError)
    {
        int n = _n;
        var tree = new QuadTree(y);
        var repulsion = new double[2 * n];
        var blockZ = new double[Blocks];
        double squaredAngle = angle * angle;
        Parallel.For(0, Blocks, b =>
        {
            double z = 0;
            for (int i = b * n / Blocks; i < (b + 1) * n / Blocks; i++)
            {
                z += tree.Repulsion(i, squaredAngle, repulsion.AsSpan(2 * i, 2));
            }
            blockZ[b] = z;
        });
        double sumQ = 0;
        foreach (var z in blockZ)
        {
            sumQ += z;
        }

        var gradient = new double[2 * n];
        var blockError = new double[Blocks];
        Parallel.For(0, Blocks, b =>
        {
            double error = 0;
            for (int i = b * n / Blocks; i < (b + 1) * n / Blocks; i++)
            {
                double ax = 0, ay = 0;
                for (int e = _rowStart[i]; e < _rowStart[i + 1]; e++)
                {
                    int j = _columns[e];
                    double dx = y[2 * i] - y[2 * j], dy = y[2 * i + 1] - y[2 * j + 1];
                    double q = 1 / (1 + dx * dx + dy * dy);
                    double pij = _p[e] * exaggeration;
                    ax += pij * q * dx;
                    ay += pij * q * dy;
                    if (computeError)
                    {
                        error += pij * Math.Log(Math.Max(pij, Float32Tiny) / Math.Max(q / sumQ, Float32Tiny));
                    }
                }
                gradient[2 * i] = 4 * (ax - repulsion[2 * i] / sumQ);
                gradient[2 * i + 1] = 4 * (ay - repulsion[2 * i + 1] / sumQ);
            }
            blockError[b] = error;
        });
        double? kl = null;
        if (computeError)
        {
            double sum = 0;
            foreach (var e in blockError)
            {
                sum += e;
            }
            kl = sum;
        }
        return (gradient, kl);
    }

    /// <summary>The smallest normal float32, scikit-learn's floor inside its KL sum.</summary>
    private const double Float32Tiny = 1.1754943508222875e-38;

    /// <summary>Each row's k nearest other rows (squared Euclidean distance, nearest first) by blocks of rows against
    /// all: O(N·k) memory besides one block × N matrix.</summary>
    internal static (double[] Distances, int[] Neighbours) NearestNeighbours(Tensor x, int k, CancellationToken cancellationToken)
    {
        int n = (int)x.shape[0];
        var distances = new double[(long)n * k];
        var neighbours = new int[(long)n * k];
        int block = (int)Math.Clamp(SearchCells / n, 1, n);
        int take = k + 1; // the point itself is among its k + 1 nearest, unless k + 1 others lie on it: then k others are kept
        using var scope = NewDisposeScope();
        var norms = (x * x).sum(1);
        for (int start = 0; start < n; start += block)
        {
            cancellationToken.ThrowIfCancellationRequested();
            using var step = NewDisposeScope();
            int rows = Math.Min(block, n - start);
            var part = x[start..(start + rows)];
            var d2 = (norms[start..(start + rows)].unsqueeze(1) + norms.unsqueeze(0) - 2 * part.matmul(x.T)).clamp_min(0);
            var (near, who) = d2.topk(take, dim: 1, largest: false, sorted: true);
            var nearValues = near.contiguous().data<double>().ToArray();
            var whoValues = who.contiguous().data<long>().ToArray();
            for (int r = 0; r < rows; r++)
            {
                int i = start + r, kept = 0;
                for (int m = 0; m < take && kept < k; m++)
                {
                    int j = (int)whoValues[r * take + m];
                    if (j == i)
                    {
                        continue;
                    }
                    distances[(long)i * k + kept] = nearValues[r * take + m];
                    neighbours[(long)i * k + kept] = j;
                    kept++;
                }
            }
        }
        return (distances, neighbours);
    }
}
