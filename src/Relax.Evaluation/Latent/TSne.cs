using static TorchSharp.torch;

namespace Relax.Evaluation;

/// <summary>
/// t-SNE (van der Maaten &amp; Hinton, 2008) into two dimensions, in float64: written here because no maintained t-SNE
/// is on NuGet. It follows scikit-learn's <c>TSNE</c>: squared Euclidean distances, a per-point binary search for the
/// Gaussian that gives the perplexity, symmetrised affinities, a PCA start scaled to a standard deviation of 1e-4, a
/// Student-t kernel with one degree of freedom, 250 iterations with early exaggeration and momentum 0.5, then momentum
/// 0.8, with scikit-learn's adaptive gains, learning rate and stopping rules. Up to <see cref="ExactLimit"/> points it
/// is exact (<c>method="exact"</c>: O(N²) memory and time per iteration); above, or when asked, Barnes–Hut
/// (<c>method="barnes_hut"</c>: affinities over ⌊3·perplexity + 1⌋ nearest neighbours, repulsion through a quadtree
/// with angle θ; O(N·k) memory, O(N log N) per iteration), so a hundred thousand points fit in memory.
/// </summary>
/// <remarks>Checked against scikit-learn 1.2 on fixed inputs, one per method, by what a map is for — trustworthiness
/// and kept neighbours — and its final KL divergence, not by coordinates, which differ by rotation, reflection and local
/// minimum (tests/Relax.Evaluation.Tests/TSneTests.cs, tools/reference/tsne_reference.py); the Barnes–Hut gradient
/// with θ = 0 against the exact one on the same affinities.</remarks>
public static class TSne
{
    /// <summary>The most points <see cref="TSneMethod.Auto"/> maps exactly (its N × N float64 matrices take about
    /// 32 MB each here); above, Barnes–Hut.</summary>
    public const int ExactLimit = 2000;

    private const int ExplorationIterations = 250;
    internal const double MachineEpsilon = 2.220446049250313e-16;

    /// <summary>The 2-D map of the rows of <paramref name="points"/>.</summary>
    /// <param name="points">N points × D features; finite; at least 3 points.</param>
    /// <param name="options">Perplexity, exaggeration, iterations, learning rate, method; scikit-learn's defaults when null.</param>
    /// <param name="cancellationToken">Checked every iteration.</param>
    /// <returns>N × 2 coordinates, and the final KL divergence between the input and map affinities (over the
    /// neighbour pairs with Barnes–Hut, as scikit-learn reports it).</returns>
    /// <exception cref="ArgumentException">Fewer than 3 points, a perplexity not below N, or a non-finite value.</exception>
    public static (double[,] Map, double KlDivergence) Fit(double[,] points, TSneOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(points);
        options ??= new TSneOptions();
        int n = points.GetLength(0), d = points.GetLength(1);
        if (n < 3 || d < 1)
        {
            throw new ArgumentException($"t-SNE needs at least 3 points with at least one feature; got {n} × {d}.", nameof(points));
        }
        if (options.Perplexity >= n)
        {
            throw new ArgumentException($"The perplexity ({options.Perplexity}) must be below the number of points ({n}).", nameof(options));
        }
        foreach (var v in points)
        {
            if (!double.IsFinite(v))
            {
                throw new ArgumentException("The points hold a NaN or infinite value.", nameof(points));
            }
        }
        bool barnesHut = options.Method == TSneMethod.BarnesHut || (options.Method == TSneMethod.Auto && n > ExactLimit);

        double[] y;
        GradientOf gradient;
        using var scope = NewDisposeScope();
        var x = tensor(points.Cast<double>().ToArray(), [n, d], ScalarType.Float64);
        using (var start = NewDisposeScope())
        {
            y = PcaStart(x).contiguous().data<double>().ToArray();
        }
        if (barnesHut)
        {
            var affinities = BarnesHutTSne.Affinities(x, options.Perplexity, cancellationToken);
            x.Dispose();
            gradient = (map, exaggeration, computeError) => affinities.Gradient(map, exaggeration, options.Angle, computeError);
        }
        else
        {
            var p = JointProbabilities(SquaredDistances(x), options.Perplexity);
            var exaggerated = p * options.EarlyExaggeration; // once, not per exploration step
            gradient = (map, exaggeration, computeError) =>
            {
                using var step = NewDisposeScope();
                var (grad, error) = Gradient(exaggeration == 1 ? p : exaggerated, tensor(map, [n, 2], ScalarType.Float64), computeError);
                return (grad.contiguous().data<double>().ToArray(), error);
            };
        }
        double kl = Optimise(y, options, gradient, cancellationToken);
        var map = new double[n, 2];
        Buffer.BlockCopy(y, 0, map, 0, y.Length * sizeof(double));
        return (map, kl);
    }

    /// <summary>The gradient of the KL divergence at a map (N × 2, row-major) with the affinities times an exaggeration,
    /// and the divergence when asked.</summary>
    private delegate (double[] Gradient, double? Error) GradientOf(double[] map, double exaggeration, bool computeError);

    /// <summary>scikit-learn's gradient descent (<c>_gradient_descent</c>, twice: exploration, then the rest) on
    /// <paramref name="y"/> in place; returns the final KL divergence.</summary>
    private static double Optimise(double[] y, TSneOptions options, GradientOf gradient, CancellationToken cancellationToken)
    {
        int n = y.Length / 2;
        double learningRate = options.LearningRate ?? Math.Max(n / options.EarlyExaggeration / 4, 50);
        var update = new double[y.Length];
        var gains = new double[y.Length];
        Array.Fill(gains, 1.0);
        double bestError = double.MaxValue;
        int bestIteration = 0;
        double kl = double.NaN;
        for (int iteration = 0; iteration < options.Iterations; iteration++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            bool exploring = iteration < ExplorationIterations;
            double momentum = exploring ? 0.5 : 0.8;
            var (grad, error) = gradient(y, exploring ? options.EarlyExaggeration : 1, computeError: iteration % 50 == 49 || iteration == options.Iterations - 1);
            double squaredNorm = 0;
            for (int c = 0; c < y.Length; c++)
            {
                gains[c] = Math.Max(update[c] * grad[c] < 0 ? gains[c] + 0.2 : gains[c] * 0.8, 0.01);
                update[c] = momentum * update[c] - learningRate * (gains[c] * grad[c]);
                y[c] += update[c];
                squaredNorm += grad[c] * grad[c];
            }

            if (error is { } e)
            {
                kl = e;
                // scikit-learn's stopping rules, checked every 50 iterations in each phase.
                if (e < bestError)
                {
                    (bestError, bestIteration) = (e, iteration);
                }
                else if (iteration - bestIteration > 300 && !exploring)
                {
                    break;
                }
                if (Math.Sqrt(squaredNorm) < 1e-7)
                {
                    break;
                }
            }
            if (iteration == ExplorationIterations - 1)
            {
                // A new phase: scikit-learn restarts its progress bookkeeping.
                (bestError, bestIteration) = (double.MaxValue, iteration);
            }
        }
        return gradient(y, 1, computeError: true).Error ?? kl;
    }

    /// <summary>Squared Euclidean distances between rows, exactly 0 on the diagonal.</summary>
    internal static Tensor SquaredDistances(Tensor x)
    {
        var norms = (x * x).sum(1, keepdim: true);
        var d2 = (norms + norms.T - 2 * x.matmul(x.T)).clamp_min(0);
        return ZeroDiagonal(d2);
    }

    /// <summary>The matrix with its diagonal set to 0 (TorchSharp has no <c>fill_diagonal_</c>).</summary>
    private static Tensor ZeroDiagonal(Tensor square) => square * (1 - eye(square.shape[0], dtype: square.dtype));

    /// <summary>Conditional Gaussians with the perplexity, symmetrised and normalised to sum 1, floored at machine
    /// epsilon, zero diagonal.</summary>
    private static Tensor JointProbabilities(Tensor distances, double perplexity)
    {
        int n = (int)distances.shape[0];
        var conditional = ConditionalProbabilities(distances, 1 - eye(n, dtype: ScalarType.Float64), perplexity);
        var joint = conditional + conditional.T;
        joint /= joint.sum().clamp_min(MachineEpsilon);
        return ZeroDiagonal(joint.clamp_min(MachineEpsilon));
    }

    /// <summary>Each row's Gaussian over its squared <paramref name="distances"/> with the perplexity (a binary search
    /// per row on its precision β, as scikit-learn's <c>_binary_search_perplexity</c>: at most 100 steps, entropy
    /// tolerance 1e-5), normalised per row; <paramref name="keep"/> zeroes entries (the diagonal of a square matrix),
    /// null keeps all (a row of k neighbours).</summary>
    internal static Tensor ConditionalProbabilities(Tensor distances, Tensor? keep, double perplexity)
    {
        int n = (int)distances.shape[0];
        double desired = Math.Log(perplexity);
        var beta = ones(n, dtype: ScalarType.Float64);
        var betaMin = full(n, double.NegativeInfinity, dtype: ScalarType.Float64);
        var betaMax = full(n, double.PositiveInfinity, dtype: ScalarType.Float64);
        Tensor conditional = zeros_like(distances);
        for (int step = 0; step < 100; step++)
        {
            // Each step's temporaries die with its scope; only the search state and the last P survive it.
            using var stepScope = NewDisposeScope();
            var next = (-distances * beta.unsqueeze(1)).exp();
            if (keep is not null)
            {
                next *= keep;
            }
            var sum = next.sum(1).clamp_min(1e-8);
            next /= sum.unsqueeze(1);
            conditional.Dispose();
            conditional = next.MoveToOuterDisposeScope();
            var entropy = sum.log() + beta * (distances * conditional).sum(1);
            var difference = entropy - desired;
            var open = difference.abs() > 1e-5;
            if (!open.any().item<bool>())
            {
                break;
            }
            var tooWide = (difference > 0) & open;   // entropy too high: raise β
            var tooNarrow = (difference <= 0) & open;
            var newMin = where(tooWide, beta, betaMin);
            var newMax = where(tooNarrow, beta, betaMax);
            var raised = where(newMax.isinf(), beta * 2, (beta + newMax) / 2);
            var lowered = where(newMin.isinf(), beta / 2, (beta + newMin) / 2);
            var newBeta = where(tooWide, raised, where(tooNarrow, lowered, beta));
            (betaMin, betaMax, beta) = (newMin.MoveToOuterDisposeScope(), newMax.MoveToOuterDisposeScope(), newBeta.MoveToOuterDisposeScope());
        }
        return conditional;
    }

    /// <summary>The first two principal components of the centred points, scaled so that the first has a standard
    /// deviation of 1e-4 (scikit-learn's <c>init="pca"</c>).</summary>
    private static Tensor PcaStart(Tensor x)
    {
        var centred = x - x.mean([0L], keepdim: true);
        var (_, _, v) = linalg.svd(centred, fullMatrices: false);
        var y = centred.matmul(v[..2].T);
        return y / y[.., 0].std() * 1e-4;
    }

    /// <summary>The KL gradient 4 Σⱼ (pᵢⱼ − qᵢⱼ)(1 + ‖yᵢ − yⱼ‖²)⁻¹ (yᵢ − yⱼ) and, when asked, KL(P‖Q).</summary>
    private static (Tensor Gradient, double? Error) Gradient(Tensor p, Tensor y, bool computeError)
    {
        var kernel = ZeroDiagonal((1 + SquaredDistances(y)).reciprocal());
        var q = (kernel / kernel.sum()).clamp_min(MachineEpsilon);
        var weights = (p - q) * kernel;
        var gradient = 4 * (weights.sum(1, keepdim: true) * y - weights.matmul(y));
        double? error = null;
        if (computeError)
        {
            using var ratio = (p.clamp_min(MachineEpsilon) / q).log();
            error = (p * ratio).sum().item<double>();
        }
        return (gradient, error);
    }
}
