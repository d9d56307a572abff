using Relax.Classification;
using Relax.Models.VGGish;

namespace Relax.Synthetic;

/// <summary>A model ready to explain: the embedder, its classifier head when it has one, and what it is.</summary>
/// <param name="Embedder">The network as an embedder (owns the network; dispose this record).</param>
/// <param name="Head">A classifier on its embeddings (the default model's dog / cat / bird head); null for Google's
/// VGGish, which has none.</param>
/// <param name="Identity">What the model is, for reports and output files.</param>
/// <param name="IsOfficialVGGish">True for Google's VGGish weights, false for the shipped default model.</param>
public sealed record LoadedModel(VGGishEmbedder Embedder, IEmbeddingClassifier? Head, string Identity, bool IsOfficialVGGish) : IDisposable
{
    /// <summary>Advice for the person running the program, not part of what the model is (so not in
    /// <see cref="Identity"/>, reports or fingerprints): for the shipped default model, how to use Google's VGGish
    /// instead; for Google's VGGish, the path its weights were read from (its identity names their SHA-256 only). Null
    /// when there is nothing to say.</summary>
    public string? Notice { get; init; }

    /// <inheritdoc />
    public void Dispose() => Embedder.Dispose();
}
