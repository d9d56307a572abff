namespace Relax.Evaluation;

/// <summary>
/// A point-region quadtree over a 2-D map, for the Barnes–Hut approximation of t-SNE's repulsive forces (van der
/// Maaten, "Accelerating t-SNE using tree-based algorithms", JMLR 2014): every cell knows how many points it holds,
/// their centre of mass and its squared width, so that a far cell acts on a point as one heavy point. Built anew each
/// iteration (O(N log N)); cells live in flat arrays, children of a cell are four consecutive cells.
/// Written by hand because no maintained .NET library offers a Barnes–Hut tree (MathNet.Numerics has none; spatial
/// packages on NuGet answer nearest-neighbour queries, not mass summaries).
/// </summary>
internal sealed class QuadTree
{
    /// <summary>Below this depth a cell with several points is still split; past it (points closer than the map's
    /// extent / 2^48) they stay together in one leaf.</summary>
    private const int MaxDepth = 48;

    private readonly double[] _y;
    private readonly int[] _order;
    private readonly List<Cell> _cells = [];

    /// <summary>Builds the tree of the points <paramref name="y"/> (x₀, y₀, x₁, y₁, … : N points, row-major).</summary>
    public QuadTree(double[] y)
    {
        _y = y;
        int n = y.Length / 2;
        _order = new int[n];
        double minX = double.PositiveInfinity, minY = double.PositiveInfinity, maxX = double.NegativeInfinity, maxY = double.NegativeInfinity;
        for (int i = 0; i < n; i++)
        {
            _order[i] = i;
            minX = Math.Min(minX, y[2 * i]);
            maxX = Math.Max(maxX, y[2 * i]);
            minY = Math.Min(minY, y[2 * i + 1]);
            maxY = Math.Max(maxY, y[2 * i + 1]);
        }
        // A square root cell, a little larger than the points' extent so that none lies on its far edge.
        double half = Math.Max(Math.Max(maxX - minX, maxY - minY), 1e-12) / 2 * (1 + 1e-6);
        _cells.Add(default);
        Build(0, 0, n, (minX + maxX) / 2, (minY + maxY) / 2, half, 0);
    }

    /// <summary>Adds to <paramref name="force"/> the repulsive pull Σ qᵢⱼ²Z² (yᵢ − yⱼ) on point <paramref name="i"/>
    /// and returns Σ qᵢⱼZ (its share of the normaliser Z), with qᵢⱼZ = 1 / (1 + ‖yᵢ − yⱼ‖²), summarising every cell
    /// whose squared width over squared distance to its centre of mass is below <paramref name="squaredAngle"/>
    /// (0 visits every point: exact). Points at the very place of point i (itself, duplicates) exert nothing.</summary>
    public double Repulsion(int i, double squaredAngle, Span<double> force)
    {
        double px = _y[2 * i], py = _y[2 * i + 1];
        double sum = 0, fx = 0, fy = 0;
        Span<int> stack = stackalloc int[4 * MaxDepth + 8];
        int top = 0;
        stack[top++] = 0;
        while (top > 0)
        {
            var cell = _cells[stack[--top]];
            double dx = px - cell.CentreX, dy = py - cell.CentreY;
            double d2 = dx * dx + dy * dy;
            if (cell.FirstChild < 0 && d2 <= 1e-24)
            {
                continue; // the point itself, or points on top of it
            }
            if (cell.FirstChild < 0 || cell.SquaredWidth < squaredAngle * d2)
            {
                double q = 1 / (1 + d2);
                sum += cell.Count * q;
                double pull = cell.Count * q * q;
                fx += pull * dx;
                fy += pull * dy;
                continue;
            }
            for (int c = 3; c >= 0; c--)
            {
                if (_cells[cell.FirstChild + c].Count > 0)
                {
                    stack[top++] = cell.FirstChild + c;
                }
            }
        }
        force[0] += fx;
        force[1] += fy;
        return sum;
    }

    /// <summary>Fills cell <paramref name="index"/> with the points <c>_order[from..to)</c> of the square of centre
    /// (cx, cy) and half-width <paramref name="half"/>, and makes its children: four consecutive cells appended after
    /// all others, in the order (x low, y low), (x high, y low), (x low, y high), (x high, y high).</summary>
    private void Build(int index, int from, int to, double cx, double cy, double half, int depth)
    {
        int count = to - from;
        double sx = 0, sy = 0;
        for (int k = from; k < to; k++)
        {
            sx += _y[2 * _order[k]];
            sy += _y[2 * _order[k] + 1];
        }
        var cell = new Cell(count, count > 0 ? sx / count : cx, count > 0 ? sy / count : cy, 4 * half * half, -1);
        if (count > 1 && depth < MaxDepth && !AllAtOnePlace(from, to))
        {
            int midY = Partition(from, to, k => _y[2 * k + 1] < cy);
            int lowLeft = Partition(from, midY, k => _y[2 * k] < cx);
            int highLeft = Partition(midY, to, k => _y[2 * k] < cx);
            int first = _cells.Count;
            _cells.AddRange([default, default, default, default]);
            double q = half / 2;
            Build(first, from, lowLeft, cx - q, cy - q, q, depth + 1);
            Build(first + 1, lowLeft, midY, cx + q, cy - q, q, depth + 1);
            Build(first + 2, midY, highLeft, cx - q, cy + q, q, depth + 1);
            Build(first + 3, highLeft, to, cx + q, cy + q, q, depth + 1);
            cell = cell with { FirstChild = first };
        }
        _cells[index] = cell;
    }

    private bool AllAtOnePlace(int from, int to)
    {
        double x = _y[2 * _order[from]], y = _y[2 * _order[from] + 1];
        for (int k = from + 1; k < to; k++)
        {
            if (_y[2 * _order[k]] != x || _y[2 * _order[k] + 1] != y)
            {
                return false;
            }
        }
        return true;
    }

    /// <summary>Moves the points of <c>_order[from..to)</c> for which <paramref name="low"/> holds to the front (stably
    /// enough for a tree: the order within a side does not matter) and returns where the others start.</summary>
    private int Partition(int from, int to, Func<int, bool> low)
    {
        int split = from;
        for (int k = from; k < to; k++)
        {
            if (low(_order[k]))
            {
                (_order[split], _order[k]) = (_order[k], _order[split]);
                split++;
            }
        }
        return split;
    }

    private readonly record struct Cell(int Count, double CentreX, double CentreY, double SquaredWidth, int FirstChild);
}
