using static TorchSharp.torch;

namespace Relax.Evaluation.Tests;

/// <summary>Two classes: p(class 0) = sigmoid(4·e₀).</summary>
internal sealed class FirstFeatureClassifier : Relax.Classification.IEmbeddingClassifier
{
    public int Classes => 2;

    public int Features => -1;

    public Tensor Probabilities(Tensor embeddings)
    {
        using var p0 = sigmoid(4 * embeddings[.., 0].to(ScalarType.Float64));
        return stack([p0, 1 - p0], 1);
    }
}

internal static class TensorTestExtensions
{
    public static Tensor ToTensor(this float[,] values) => TensorArrays.FromArray2D(values);
}
