using static TorchSharp.torch;

namespace Relax.Similarity;

/// <summary>Cosine similarity, the score used by RELAX: ⟨h, h*⟩ / (‖h‖ ‖h*‖).</summary>
public sealed class CosineSimilarity : ISimilarity
{
    /// <summary>The shared instance.</summary>
    public static CosineSimilarity Instance { get; } = new();

    /// <inheritdoc />
    public string Name => "cosine";

    /// <inheritdoc />
    public Tensor Score(Tensor reference, Tensor embeddings)
    {
        ArgumentNullException.ThrowIfNull(reference);
        ArgumentNullException.ThrowIfNull(embeddings);
        return nn.functional.cosine_similarity(embeddings, reference, dim: 1, eps: 1e-8);
    }
}
