namespace Relax.Classification;

/// <summary>A classifier on embeddings (a downstream head), used by evaluation curves and RISE.</summary>
public interface IEmbeddingClassifier
{
    /// <summary>Number of classes.</summary>
    int Classes { get; }

    /// <summary>Number of embedding features it expects.</summary>
    int Features { get; }

    /// <summary>Class probabilities for each row of <paramref name="features"/> (embeddings), shape (n, <see cref="Classes"/>).</summary>
    double[,] PredictProbabilities(float[,] features);
}
