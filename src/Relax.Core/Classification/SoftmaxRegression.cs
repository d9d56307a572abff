namespace Relax.Classification;

/// <summary>
/// Multinomial logistic regression on embeddings (the study's downstream classifier): features are standardised
/// with the training set's mean and deviation, then weights minimise the mean cross-entropy plus
/// ½·<see cref="SoftmaxRegressionOptions.L2"/>·‖W‖² (the bias is not penalised) by full-batch L-BFGS, in float64.
/// </summary>
public sealed class SoftmaxRegression : IEmbeddingClassifier
{
    private readonly LinearSoftmaxClassifier _model;

    private SoftmaxRegression(double[] mean, double[] scale, double[,] weights, double[] bias)
    {
        _model = new LinearSoftmaxClassifier(weights, bias, mean, scale);
    }

    /// <inheritdoc />
    public int Classes => _model.Classes;

    /// <inheritdoc />
    public int Features => _model.Features;

    /// <summary>Fits the model.</summary>
    /// <param name="features">Training features, shape (n, d), finite.</param>
    /// <param name="labels">Class indices in [0, classes), one per row.</param>
    /// <param name="classes">Number of classes, at least 2.</param>
    /// <param name="options">Regularisation and iterations; defaults when null.</param>
    public static SoftmaxRegression Fit(float[,] features, int[] labels, int classes, SoftmaxRegressionOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(features);
        ArgumentNullException.ThrowIfNull(labels);
        ArgumentOutOfRangeException.ThrowIfLessThan(classes, 2);
        options ??= new SoftmaxRegressionOptions();
        int n = features.GetLength(0), d = features.GetLength(1);
        if (n != labels.Length || n == 0 || d == 0)
        {
            throw new ArgumentException($"Got {n} feature rows of {d} values and {labels.Length} labels; need the same non-zero number.", nameof(labels));
        }
        if (labels.Any(l => l < 0 || l >= classes))
        {
            throw new ArgumentException($"Labels must lie in [0, {classes}).", nameof(labels));
        }

        var mean = new double[d];
        var scale = new double[d];
        for (int j = 0; j < d; j++)
        {
            double s = 0, ss = 0;
            for (int i = 0; i < n; i++)
            {
                double v = features[i, j];
                if (!double.IsFinite(v))
                {
                    throw new ArgumentException($"Feature ({i}, {j}) is not finite.", nameof(features));
                }
                s += v;
                ss += v * v;
            }
            mean[j] = s / n;
            double variance = Math.Max(0, ss / n - mean[j] * mean[j]);
            scale[j] = variance > 1e-24 ? Math.Sqrt(variance) : 1;
        }

        var x = Standardise(features, mean, scale);
        var (weights, bias) = Newton(x, labels, classes, options);
        return new SoftmaxRegression(mean, scale, weights, bias);
    }

    /// <summary>Damped Newton iterations on the convex objective; the (classes·(d+1))² Hessian is small for
    /// embeddings (128-d, 3 classes: 387 unknowns) and Newton converges to machine precision in a few steps.</summary>
    private static (double[,] Weights, double[] Bias) Newton(double[,] x, int[] labels, int classes, SoftmaxRegressionOptions options)
    {
        int n = x.GetLength(0), d = x.GetLength(1), stride = d + 1, size = classes * stride;
        var theta = new double[size]; // per class: d weights, then the bias
        double l2 = options.L2;
        double current = Objective(theta);
        for (int iteration = 0; iteration < options.MaxIterations; iteration++)
        {
            var (gradient, hessian) = Derivatives(theta);
            if (gradient.Max(Math.Abs) < 1e-12)
            {
                break;
            }
            for (int i = 0; i < size; i++)
            {
                hessian[i, i] += 1e-9; // softmax is invariant to a shift shared by all classes' biases
            }
            var step = CholeskySolve(hessian, gradient);
            double t = 1;
            double next;
            var candidate = new double[size];
            while (true)
            {
                for (int i = 0; i < size; i++)
                {
                    candidate[i] = theta[i] - t * step[i];
                }
                next = Objective(candidate);
                if (next <= current || t < 1e-10)
                {
                    break;
                }
                t *= 0.5;
            }
            Array.Copy(candidate, theta, size);
            bool stalled = current - next <= 1e-15 * Math.Max(1, Math.Abs(current));
            current = next;
            if (stalled)
            {
                break;
            }
        }

        var weights = new double[classes, d];
        var bias = new double[classes];
        for (int c = 0; c < classes; c++)
        {
            for (int j = 0; j < d; j++)
            {
                weights[c, j] = theta[c * stride + j];
            }
            bias[c] = theta[c * stride + d];
        }
        return (weights, bias);

        double[] Probabilities(double[] th, int row, double[] p)
        {
            double max = double.NegativeInfinity;
            for (int c = 0; c < classes; c++)
            {
                double z = th[c * stride + d];
                for (int j = 0; j < d; j++)
                {
                    z += th[c * stride + j] * x[row, j];
                }
                p[c] = z;
                max = Math.Max(max, z);
            }
            Softmax.InPlace(p, max);
            return p;
        }

        double Objective(double[] th)
        {
            var p = new double[classes];
            double loss = 0;
            for (int i = 0; i < n; i++)
            {
                loss -= Math.Log(Math.Max(Probabilities(th, i, p)[labels[i]], 1e-300));
            }
            double penalty = 0;
            for (int c = 0; c < classes; c++)
            {
                for (int j = 0; j < d; j++)
                {
                    penalty += th[c * stride + j] * th[c * stride + j];
                }
            }
            return loss / n + 0.5 * l2 * penalty;
        }

        (double[] Gradient, double[,] Hessian) Derivatives(double[] th)
        {
            var g = new double[size];
            var h = new double[size, size];
            var p = new double[classes];
            var row = new double[stride];
            for (int i = 0; i < n; i++)
            {
                Probabilities(th, i, p);
                for (int j = 0; j < d; j++)
                {
                    row[j] = x[i, j];
                }
                row[d] = 1;
                for (int a = 0; a < classes; a++)
                {
                    double r = (p[a] - (labels[i] == a ? 1 : 0)) / n;
                    for (int j = 0; j < stride; j++)
                    {
                        g[a * stride + j] += r * row[j];
                    }
                    for (int b = 0; b < classes; b++)
                    {
                        double w = p[a] * ((a == b ? 1 : 0) - p[b]) / n;
                        for (int j = 0; j < stride; j++)
                        {
                            double wj = w * row[j];
                            for (int k = 0; k < stride; k++)
                            {
                                h[a * stride + j, b * stride + k] += wj * row[k];
                            }
                        }
                    }
                }
            }
            for (int c = 0; c < classes; c++)
            {
                for (int j = 0; j < d; j++)
                {
                    g[c * stride + j] += l2 * th[c * stride + j];
                    h[c * stride + j, c * stride + j] += l2;
                }
            }
            return (g, h);
        }
    }

    private static double[] CholeskySolve(double[,] a, double[] b)
    {
        int m = b.Length;
        var l = new double[m, m];
        for (int i = 0; i < m; i++)
        {
            for (int j = 0; j <= i; j++)
            {
                double s = a[i, j];
                for (int k = 0; k < j; k++)
                {
                    s -= l[i, k] * l[j, k];
                }
                l[i, j] = i == j ? Math.Sqrt(Math.Max(s, 1e-300)) : s / l[j, j];
            }
        }
        var y = new double[m];
        for (int i = 0; i < m; i++)
        {
            double s = b[i];
            for (int k = 0; k < i; k++)
            {
                s -= l[i, k] * y[k];
            }
            y[i] = s / l[i, i];
        }
        var x = new double[m];
        for (int i = m - 1; i >= 0; i--)
        {
            double s = y[i];
            for (int k = i + 1; k < m; k++)
            {
                s -= l[k, i] * x[k];
            }
            x[i] = s / l[i, i];
        }
        return x;

    }

    /// <inheritdoc />
    public double[,] PredictProbabilities(float[,] features) => _model.PredictProbabilities(features);

    /// <summary>Most probable class per row.</summary>
    public int[] Predict(float[,] features) => _model.Predict(features);

    /// <summary>Gradient of the training objective at the fitted weights (for diagnostics and tests), shape (classes, d + 1);
    /// the last column is the bias.</summary>
    public double[,] ObjectiveGradient(float[,] features, int[] labels, double l2)
    {
        ArgumentNullException.ThrowIfNull(labels);
        var p = PredictProbabilities(features);
        int n = features.GetLength(0);
        var g = new double[Classes, Features + 1];
        for (int i = 0; i < n; i++)
        {
            for (int c = 0; c < Classes; c++)
            {
                double r = (p[i, c] - (labels[i] == c ? 1 : 0)) / n;
                for (int j = 0; j < Features; j++)
                {
                    g[c, j] += r * _model.Standardised(features[i, j], j);
                }
                g[c, Features] += r;
            }
        }
        for (int c = 0; c < Classes; c++)
        {
            for (int j = 0; j < Features; j++)
            {
                g[c, j] += l2 * _model.Weight(c, j);
            }
        }
        return g;
    }

    private static double[,] Standardise(float[,] features, double[] mean, double[] scale)
    {
        int n = features.GetLength(0), d = features.GetLength(1);
        var data = new double[n, d];
        for (int i = 0; i < n; i++)
        {
            for (int j = 0; j < d; j++)
            {
                data[i, j] = (features[i, j] - mean[j]) / scale[j];
            }
        }
        return data;
    }
}
/// <summary>Settings of <see cref="SoftmaxRegression"/>, checked when set.</summary>
public sealed record SoftmaxRegressionOptions
{
    private readonly double _l2 = 1e-2;
    private readonly int _maxIterations = 100;

    /// <summary>L2 penalty on the weights (on standardised features); ≥ 0. Default 0.01.</summary>
    public double L2
    {
        get => _l2;
        init => _l2 = value >= 0 && double.IsFinite(value) ? value : throw new ArgumentOutOfRangeException(nameof(L2), value, "The penalty must be a finite number ≥ 0.");
    }

    /// <summary>Newton iterations at most; ≥ 1. Default 100.</summary>
    public int MaxIterations
    {
        get => _maxIterations;
        init => _maxIterations = value >= 1 ? value : throw new ArgumentOutOfRangeException(nameof(MaxIterations), value, "At least 1 iteration.");
    }
}
