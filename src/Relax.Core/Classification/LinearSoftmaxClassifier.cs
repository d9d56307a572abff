namespace Relax.Classification;

/// <summary>
/// A linear softmax classifier with fixed weights, in float64: p = softmax(W·z + b) with z = (x − mean) / scale
/// (no standardisation when mean and scale are omitted).
/// </summary>
public sealed class LinearSoftmaxClassifier : IEmbeddingClassifier
{
    private readonly double[,] _weights;
    private readonly double[] _bias;
    private readonly double[]? _mean;
    private readonly double[]? _scale;

    /// <summary>Creates the classifier.</summary>
    /// <param name="weights">Weights (classes, features).</param>
    /// <param name="bias">Bias (classes); at least 2 classes.</param>
    /// <param name="mean">Optional per-feature mean subtracted first.</param>
    /// <param name="scale">Optional per-feature divisor (non-zero) applied after the mean.</param>
    public LinearSoftmaxClassifier(double[,] weights, double[] bias, double[]? mean = null, double[]? scale = null)
    {
        ArgumentNullException.ThrowIfNull(weights);
        ArgumentNullException.ThrowIfNull(bias);
        if (weights.GetLength(0) != bias.Length || bias.Length < 2)
        {
            throw new ArgumentException($"Weights for {weights.GetLength(0)} classes and {bias.Length} biases: need the same number, at least 2.", nameof(bias));
        }
        int d = weights.GetLength(1);
        if ((mean is not null && mean.Length != d) || (scale is not null && (scale.Length != d || scale.Any(s => s == 0))))
        {
            throw new ArgumentException($"Mean and scale need {d} values (scale non-zero).", nameof(scale));
        }
        _weights = (double[,])weights.Clone();
        _bias = (double[])bias.Clone();
        _mean = (double[]?)mean?.Clone();
        _scale = (double[]?)scale?.Clone();
    }

    /// <inheritdoc />
    public int Classes => _bias.Length;

    /// <inheritdoc />
    public int Features => _weights.GetLength(1);

    /// <inheritdoc />
    public double[,] PredictProbabilities(float[,] features)
    {
        ArgumentNullException.ThrowIfNull(features);
        if (features.GetLength(1) != Features)
        {
            throw new ArgumentException($"Expected {Features} features per row; got {features.GetLength(1)}.", nameof(features));
        }
        int n = features.GetLength(0);
        var result = new double[n, Classes];
        var z = new double[Classes];
        for (int i = 0; i < n; i++)
        {
            double max = double.NegativeInfinity;
            for (int c = 0; c < Classes; c++)
            {
                double s = _bias[c];
                for (int j = 0; j < Features; j++)
                {
                    s += _weights[c, j] * Standardised(features[i, j], j);
                }
                z[c] = s;
                max = Math.Max(max, s);
            }
            Softmax.InPlace(z, max);
            for (int c = 0; c < Classes; c++)
            {
                result[i, c] = z[c];
            }
        }
        return result;
    }

    /// <summary>Most probable class per row.</summary>
    public int[] Predict(float[,] features)
    {
        var p = PredictProbabilities(features);
        return Enumerable.Range(0, p.GetLength(0)).Select(i => Enumerable.Range(0, Classes).MaxBy(c => p[i, c])).ToArray();
    }

    internal double Weight(int c, int j) => _weights[c, j];

    internal double Standardised(double x, int j) => (x - (_mean?[j] ?? 0)) / (_scale?[j] ?? 1);
}

/// <summary>The numerically stable softmax shared by the classifiers.</summary>
internal static class Softmax
{
    /// <summary>Replaces logits by probabilities; <paramref name="max"/> is the largest logit.</summary>
    public static void InPlace(double[] logits, double max)
    {
        double total = 0;
        for (int c = 0; c < logits.Length; c++)
        {
            logits[c] = Math.Exp(logits[c] - max);
            total += logits[c];
        }
        for (int c = 0; c < logits.Length; c++)
        {
            logits[c] /= total;
        }
    }
}
