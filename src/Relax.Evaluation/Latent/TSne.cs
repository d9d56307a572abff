using static TorchSharp.torch;

namespace Relax.Evaluation;

/// <summary>
/// Exact t-SNE (van der Maaten &amp; Hinton, 2008) into two dimensions, on TorchSharp tensors in float64: written here
/// because no maintained t-SNE is on NuGet. It follows scikit-learn's <c>TSNE(method="exact")</c>: squared Euclidean
/// distances, a per-point binary search for the Gaussian that gives the perplexity, symmetrised affinities, a PCA
/// start scaled to a standard deviation of 1e-4, a Student-t kernel with one degree of freedom, 250 iterations with
/// early exaggeration and momentum 0.5, then momentum 0.8, with scikit-learn's adaptive gains, learning rate and
/// stopping rules. Memory and time are O(N²) per iteration: fine for thousands of points.
/// </summary>
/// <remarks>Checked against scikit-learn 1.2 on a fixed input by what a map is for — trustworthiness and kept
/// neighbours — and its final KL divergence, not by coordinates, which differ by rotation, reflection and local
/// minimum (tests/Relax.Evaluation.Tests/TSneTests.cs, tools/reference/tsne_reference.py).</remarks>
public static class TSne
{
    private const int ExplorationIterations = 250;
    private const double MachineEpsilon = 2.220446049250313e-16;

    /// <summary>The 2-D map of the rows of <paramref name="points"/>.</summary>
    /// <param name="points">N points × D features; finite; at least 3 points.</param>
    /// <param name="options">Perplexity, exaggeration, iterations, learning rate; scikit-learn's defaults when null.</param>
    /// <param name="cancellationToken">Checked every iteration.</param>
    /// <returns>N × 2 coordinates, and the final KL divergence between the input and map affinities.</returns>
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

        using var scope = NewDisposeScope();
        var x = tensor(points.Cast<double>().ToArray(), [n, d], ScalarType.Float64);
        var p = JointProbabilities(SquaredDistances(x), options.Perplexity);
        var y = PcaStart(x);
        double learningRate = options.LearningRate ?? Math.Max(n / options.EarlyExaggeration / 4, 50);

        var exaggerated = p * options.EarlyExaggeration;   // once, not per exploration step
        var update = zeros_like(y);
        var gains = ones_like(y);
        double bestError = double.MaxValue;
        int bestIteration = 0;
        double kl = double.NaN;
        for (int iteration = 0; iteration < options.Iterations; iteration++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            bool exploring = iteration < ExplorationIterations;
            double momentum = exploring ? 0.5 : 0.8;
            using var step = NewDisposeScope();
            var pEffective = exploring ? exaggerated : p;
            var (grad, error) = Gradient(pEffective, y, computeError: iteration % 50 == 49 || iteration == options.Iterations - 1);

            // The new state replaces the old, which is disposed now: memory stays flat over the iterations.
            var increase = (update * grad) < 0;
            var newGains = where(increase, gains + 0.2, gains * 0.8).clamp_min(0.01).MoveToOuterDisposeScope();
            var newUpdate = (momentum * update - learningRate * (newGains * grad)).MoveToOuterDisposeScope();
            var newY = (y + newUpdate).MoveToOuterDisposeScope();
            gains.Dispose();
            update.Dispose();
            y.Dispose();
            (gains, update, y) = (newGains, newUpdate, newY);

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
                if (grad.norm().item<double>() < 1e-7)
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
        var (_, final) = Gradient(p, y, computeError: true);
        kl = final ?? kl;

        var coordinates = y.contiguous().data<double>().ToArray();
        var map = new double[n, 2];
        Buffer.BlockCopy(coordinates, 0, map, 0, coordinates.Length * sizeof(double));
        return (map, kl);
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

    /// <summary>Conditional Gaussians with the perplexity (a binary search per point on its precision β, as
    /// scikit-learn's <c>_binary_search_perplexity</c>: at most 100 steps, entropy tolerance 1e-5), symmetrised and
    /// normalised to sum 1, floored at machine epsilon, zero diagonal.</summary>
    private static Tensor JointProbabilities(Tensor distances, double perplexity)
    {
        int n = (int)distances.shape[0];
        double desired = Math.Log(perplexity);
        var beta = ones(n, dtype: ScalarType.Float64);
        var betaMin = full(n, double.NegativeInfinity, dtype: ScalarType.Float64);
        var betaMax = full(n, double.PositiveInfinity, dtype: ScalarType.Float64);
        var offDiagonal = 1 - eye(n, dtype: ScalarType.Float64);
        Tensor conditional = zeros(n, n, dtype: ScalarType.Float64);
        for (int step = 0; step < 100; step++)
        {
            // Each step's N × N temporaries die with its scope; only the search state and the last P survive it.
            using var stepScope = NewDisposeScope();
            var next = (-distances * beta.unsqueeze(1)).exp() * offDiagonal;
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
        var joint = conditional + conditional.T;
        joint /= joint.sum().clamp_min(MachineEpsilon);
        return ZeroDiagonal(joint.clamp_min(MachineEpsilon));
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
