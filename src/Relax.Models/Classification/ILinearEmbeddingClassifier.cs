namespace Relax.Classification;

/// <summary>
/// A classifier whose class scores are affine in the embedding: logit_k(z) = w_k · z + b_k before the softmax. Methods
/// that propagate through the head (LRP) need it as such a layer; <see cref="LinearSoftmaxClassifier"/> and
/// <see cref="SoftmaxRegression"/> are linear.
/// </summary>
public interface ILinearEmbeddingClassifier : IEmbeddingClassifier
{
    /// <summary>The affine map of one class's logit on raw embeddings, with any standardisation folded in
    /// (w = W_k / scale, b = b_k − Σ W_k · mean / scale).</summary>
    /// <param name="classIndex">The class, in [0, <see cref="IEmbeddingClassifier.Classes"/>).</param>
    /// <returns>Weights (<see cref="IEmbeddingClassifier.Features"/>) and bias.</returns>
    (double[] Weights, double Bias) Logit(int classIndex);
}
