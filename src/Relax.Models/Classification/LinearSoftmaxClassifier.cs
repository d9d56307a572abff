using static TorchSharp.torch;

namespace Relax.Classification;

/// <summary>
/// A linear softmax classifier with fixed weights, in float64: p = softmax(W·z + b) with z = (x − mean) / scale
/// (no standardisation when mean and scale are omitted).
/// </summary>
public sealed class LinearSoftmaxClassifier : ILinearEmbeddingClassifier
{
    private readonly double[] _weights; // (classes, features), row-major
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
        if (weights.Cast<double>().Concat(bias).Concat(mean ?? []).Concat(scale ?? []).Any(v => !double.IsFinite(v)))
        {
            throw new ArgumentException("Weights, bias, mean and scale must be finite.", nameof(weights));
        }
        Features = d;
        _weights = weights.Cast<double>().ToArray();
        _bias = (double[])bias.Clone();
        _mean = (double[]?)mean?.Clone();
        _scale = (double[]?)scale?.Clone();
    }

    /// <inheritdoc />
    public int Classes => _bias.Length;

    /// <inheritdoc />
    public int Features { get; }

    /// <inheritdoc />
    public (double[] Weights, double Bias) Logit(int classIndex)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(classIndex);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(classIndex, Classes);
        var weights = new double[Features];
        double bias = _bias[classIndex];
        for (int j = 0; j < Features; j++)
        {
            double w = _weights[classIndex * Features + j] / (_scale?[j] ?? 1.0);
            weights[j] = w;
            bias -= w * (_mean?[j] ?? 0.0);
        }
        return (weights, bias);
    }

    /// <inheritdoc />
    public Tensor Probabilities(Tensor embeddings)
    {
        ArgumentNullException.ThrowIfNull(embeddings);
        if (embeddings.dim() != 2 || embeddings.shape[1] != Features)
        {
            throw new ArgumentException($"Expected embeddings of shape (B, {Features}); got ({string.Join(", ", embeddings.shape)}).", nameof(embeddings));
        }
        using var scope = NewDisposeScope();
        var device = embeddings.device;
        var z = embeddings.to(ScalarType.Float64);
        if (_mean is not null)
        {
            z = z - tensor(_mean, ScalarType.Float64, device);
        }
        if (_scale is not null)
        {
            z = z / tensor(_scale, ScalarType.Float64, device);
        }
        var w = tensor(_weights, new long[] { Classes, Features }, ScalarType.Float64, device);
        var logits = z.matmul(w.t()) + tensor(_bias, ScalarType.Float64, device);
        return nn.functional.softmax(logits, 1).MoveToOuterDisposeScope();
    }
}
