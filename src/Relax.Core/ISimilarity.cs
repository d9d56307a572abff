using static TorchSharp.torch;

namespace Relax;

/// <summary>Scores how similar masked embeddings are to the embedding of the unmasked input.</summary>
public interface ISimilarity
{
    /// <summary>A short, stable name for reports (for example <c>cosine</c>).</summary>
    string Name { get; }

    /// <summary>Scores each row of <paramref name="embeddings"/> against <paramref name="reference"/>.</summary>
    /// <param name="reference">The unmasked embedding, shape (1, D), float32.</param>
    /// <param name="embeddings">Masked embeddings, shape (B, D), float32, on the same device.</param>
    /// <returns>Scores of shape (B), owned by the caller.</returns>
    Tensor Score(Tensor reference, Tensor embeddings);
}
