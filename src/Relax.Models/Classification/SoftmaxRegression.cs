using static TorchSharp.torch;

namespace Relax.Classification;

/// <summary>
/// Multinomial logistic regression on embeddings (the study's downstream classifier): features are standardised
/// with the training set's mean and deviation, then weights minimise the mean cross-entropy plus
/// ½·<see cref="SoftmaxRegressionOptions.L2"/>·‖W‖² (the bias is not penalised) by full-batch L-BFGS
/// (<c>torch.optim.LBFGS</c>) with gradients from autograd, in float64.
/// </summary>
public sealed class SoftmaxRegression : ILinearEmbeddingClassifier
{
    private readonly LinearSoftmaxClassifier _model;
    private readonly double[] _mean;
    private readonly double[] _scale;
    private readonly double[,] _weights;
    private readonly double[] _bias;

    private SoftmaxRegression(double[] mean, double[] scale, double[,] weights, double[] bias)
    {
        _model = new LinearSoftmaxClassifier(weights, bias, mean, scale);
        (_mean, _scale, _weights, _bias) = (mean, scale, weights, bias);
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
        if (features.Cast<float>().Any(v => !float.IsFinite(v)))
        {
            throw new ArgumentException("Every feature must be finite.", nameof(features));
        }

        using var scope = NewDisposeScope();
        var x = TensorArrays.FromArray2D(features).to(ScalarType.Float64);
        var mean = x.mean(new long[] { 0 });
        var deviation = x.var(0, unbiased: false).sqrt();
        var scale = where(deviation.square() > 1e-24, deviation, ones_like(deviation));
        var standardised = (x - mean) / scale;
        var y = tensor(labels.Select(l => (long)l).ToArray(), ScalarType.Int64);

        var weight = new TorchSharp.Modules.Parameter(zeros(classes, d, dtype: ScalarType.Float64));
        var bias = new TorchSharp.Modules.Parameter(zeros(classes, dtype: ScalarType.Float64));
        // The problem is smooth and strictly convex in W (and in b up to a shared shift), so full steps (lr = 1) of
        // L-BFGS converge; each step() runs up to MaxIterations iterations and stops at a tiny gradient or change.
        var optimizer = optim.LBFGS([weight, bias], lr: 1, max_iter: options.MaxIterations, max_eval: 2 * options.MaxIterations,
            tolerange_grad: 1e-10, tolerance_change: 1e-15, history_size: 20);
        double previous = double.PositiveInfinity;
        for (int round = 0; round < 10; round++)
        {
            optimizer.step(() =>
            {
                optimizer.zero_grad();
                var loss = Objective(standardised, y, weight, bias, options.L2);
                loss.backward();
                return loss;
            });
            double current;
            using (no_grad())
            {
                current = Objective(standardised, y, weight, bias, options.L2).item<double>();
            }
            if (!double.IsFinite(current))
            {
                throw new InvalidOperationException("Softmax regression diverged (non-finite loss); check the features.");
            }
            if (previous - current <= 1e-15 * Math.Max(1, Math.Abs(current)))
            {
                break;
            }
            previous = current;
        }

        return new SoftmaxRegression(ToArray(mean), ToArray(scale), ToArray2D(weight), ToArray(bias));
    }

    private static Tensor Objective(Tensor x, Tensor y, Tensor weight, Tensor bias, double l2) =>
        nn.functional.cross_entropy(x.matmul(weight.t()) + bias, y) + 0.5 * l2 * weight.square().sum();

    /// <inheritdoc />
    public Tensor Probabilities(Tensor embeddings) => _model.Probabilities(embeddings);

    /// <inheritdoc />
    public (double[] Weights, double Bias) Logit(int classIndex) => _model.Logit(classIndex);

    /// <summary>Class probabilities for each row of <paramref name="features"/>, shape (n, classes).</summary>
    public double[,] PredictProbabilities(float[,] features) => EmbeddingClassifierExtensions.PredictProbabilities(this, features);

    /// <summary>Most probable class per row.</summary>
    public int[] Predict(float[,] features) => EmbeddingClassifierExtensions.Predict(this, features);

    /// <summary>Gradient of the training objective at the fitted weights (for diagnostics and tests), by autograd, shape
    /// (classes, d + 1); the last column is the bias.</summary>
    public double[,] ObjectiveGradient(float[,] features, int[] labels, double l2)
    {
        ArgumentNullException.ThrowIfNull(features);
        ArgumentNullException.ThrowIfNull(labels);
        using var scope = NewDisposeScope();
        var x = (TensorArrays.FromArray2D(features).to(ScalarType.Float64) - tensor(_mean, ScalarType.Float64)) / tensor(_scale, ScalarType.Float64);
        var y = tensor(labels.Select(l => (long)l).ToArray(), ScalarType.Int64);
        var weight = tensor(_weights.Cast<double>().ToArray(), new long[] { Classes, Features }, ScalarType.Float64).requires_grad_(true);
        var bias = tensor(_bias, ScalarType.Float64).requires_grad_(true);
        using (enable_grad())
        {
            Objective(x, y, weight, bias, l2).backward();
        }
        var gradient = cat([weight.grad!, bias.grad!.unsqueeze(1)], 1);
        return ToArray2D(gradient);
    }

    private static double[] ToArray(Tensor t)
    {
        using var cpu = t.detach().to(ScalarType.Float64, CPU).contiguous();
        return cpu.data<double>().ToArray();
    }

    private static double[,] ToArray2D(Tensor t)
    {
        var values = ToArray(t);
        var result = new double[t.shape[0], t.shape[1]];
        Buffer.BlockCopy(values, 0, result, 0, values.Length * sizeof(double));
        return result;
    }
}

/// <summary>Settings of <see cref="SoftmaxRegression"/>, checked when set.</summary>
public sealed record SoftmaxRegressionOptions
{
    private readonly double _l2 = 1e-2;
    private readonly int _maxIterations = 500;

    /// <summary>L2 penalty on the weights (on standardised features); ≥ 0. Default 0.01.</summary>
    public double L2
    {
        get => _l2;
        init => _l2 = value >= 0 && double.IsFinite(value) ? value : throw new ArgumentOutOfRangeException(nameof(L2), value, "The penalty must be a finite number ≥ 0.");
    }

    /// <summary>L-BFGS iterations per optimiser step (at most ten steps); ≥ 1. Default 500.</summary>
    public int MaxIterations
    {
        get => _maxIterations;
        init => _maxIterations = value >= 1 ? value : throw new ArgumentOutOfRangeException(nameof(MaxIterations), value, "At least 1 iteration.");
    }
}
