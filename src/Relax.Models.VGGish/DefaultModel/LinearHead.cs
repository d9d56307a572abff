using Relax.Classification;

namespace Relax.Models.VGGish.DefaultModel;

/// <summary>A softmax classifier on embeddings with fixed weights (the default model's head), in float64.</summary>
public sealed class LinearHead : IEmbeddingClassifier
{
    private readonly double[,] _weights;
    private readonly double[] _bias;

    /// <summary>Creates the head from weights (classes, features) and bias (classes).</summary>
    public LinearHead(double[,] weights, double[] bias)
    {
        ArgumentNullException.ThrowIfNull(weights);
        ArgumentNullException.ThrowIfNull(bias);
        if (weights.GetLength(0) != bias.Length || bias.Length < 2)
        {
            throw new ArgumentException($"Weights for {weights.GetLength(0)} classes and {bias.Length} biases: need the same number, at least 2.", nameof(bias));
        }
        _weights = (double[,])weights.Clone();
        _bias = (double[])bias.Clone();
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
        var p = new double[n, Classes];
        var z = new double[Classes];
        for (int i = 0; i < n; i++)
        {
            double max = double.NegativeInfinity;
            for (int c = 0; c < Classes; c++)
            {
                double s = _bias[c];
                for (int j = 0; j < Features; j++)
                {
                    s += _weights[c, j] * features[i, j];
                }
                z[c] = s;
                max = Math.Max(max, s);
            }
            double total = 0;
            for (int c = 0; c < Classes; c++)
            {
                z[c] = Math.Exp(z[c] - max);
                total += z[c];
            }
            for (int c = 0; c < Classes; c++)
            {
                p[i, c] = z[c] / total;
            }
        }
        return p;
    }
}
