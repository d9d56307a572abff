using static TorchSharp.torch;

namespace Relax.Classification;

/// <summary>A classifier on embeddings (a downstream head), used by evaluation curves and RISE. It works on tensors on
/// the embedder's device, so the explainers that score masked inputs by a class probability never copy embeddings to
/// managed arrays per batch.</summary>
public interface IEmbeddingClassifier
{
    /// <summary>Number of classes.</summary>
    int Classes { get; }

    /// <summary>Number of embedding features it expects; -1 when any number works.</summary>
    int Features { get; }

    /// <summary>Class probabilities of a batch of embeddings.</summary>
    /// <param name="embeddings">Shape (B, <see cref="Features"/>), any float dtype, any device.</param>
    /// <returns>Shape (B, <see cref="Classes"/>), float64, on the embeddings' device; rows sum to 1. The caller owns it.</returns>
    Tensor Probabilities(Tensor embeddings);
}

/// <summary>Managed-array conveniences over <see cref="IEmbeddingClassifier"/>.</summary>
public static class EmbeddingClassifierExtensions
{
    /// <summary>Class probabilities for each row of <paramref name="features"/> (embeddings), shape (n, classes).</summary>
    public static double[,] PredictProbabilities(this IEmbeddingClassifier classifier, float[,] features)
    {
        ArgumentNullException.ThrowIfNull(classifier);
        ArgumentNullException.ThrowIfNull(features);
        using var scope = NewDisposeScope();
        var input = TensorArrays.FromArray2D(features);
        var p = classifier.Probabilities(input).to(ScalarType.Float64, CPU).contiguous();
        var result = new double[p.shape[0], p.shape[1]];
        var values = p.data<double>().ToArray();
        Buffer.BlockCopy(values, 0, result, 0, values.Length * sizeof(double));
        return result;
    }

    /// <summary>Most probable class per row of <paramref name="features"/>.</summary>
    public static int[] Predict(this IEmbeddingClassifier classifier, float[,] features)
    {
        var p = classifier.PredictProbabilities(features);
        return Enumerable.Range(0, p.GetLength(0)).Select(i => Enumerable.Range(0, p.GetLength(1)).MaxBy(c => p[i, c])).ToArray();
    }
}
