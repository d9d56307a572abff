using Relax.Similarity;
using static TorchSharp.torch;

namespace Relax.Attribution;

/// <summary>
/// Gradient saliency of s(x) = sim(h(x), h(x₀)), the similarity to the unmasked embedding (cosine by default, or any
/// differentiable <see cref="ISimilarity"/>). At x₀ itself s has its
/// maximum (1) and its gradient vanishes, so the gradient is taken at the baseline x′ (the replacement value) and
/// scaled by the distance to it: |∂s/∂x(x′)| · |x₀ − x′|, a one-point first-order estimate of each cell's effect
/// (Integrated Gradients with one step at the path's start).
/// </summary>
public sealed class GradientAttribution : IAttributionMethod
{
    private readonly IEmbedder _embedder;

    /// <summary>Creates the method.</summary>
    /// <param name="embedder">A differentiable model.</param>
    /// <param name="baseline">Where the gradient is taken; default the input's mean.</param>
    /// <param name="similarity">How embeddings are compared (differentiable); default cosine, as RELAX.</param>
    public GradientAttribution(IEmbedder embedder, MaskReplacement? baseline = null, ISimilarity? similarity = null)
    {
        _embedder = embedder ?? throw new ArgumentNullException(nameof(embedder));
        Baseline = baseline ?? MaskReplacement.Mean;
        Similarity = similarity ?? CosineSimilarity.Instance;
    }

    /// <summary>How embeddings are compared.</summary>
    public ISimilarity Similarity { get; }

    /// <summary>The baseline input.</summary>
    public MaskReplacement Baseline { get; }

    /// <inheritdoc />
    public string Name => "gradient";

    /// <inheritdoc />
    public float[,] Attribute(Tensor input, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        using var scope = NewDisposeScope();
        var x = InputShape.Prepare(input, _embedder.Device, out int height, out int width);
        Tensor reference, baseline;
        using (no_grad())
        {
            baseline = Baseline.Compute(x).to(ScalarType.Float32, x.device).expand(1, 1, height, width).contiguous();
            reference = _embedder.Embed(x).to(ScalarType.Float32);
        }
        using (enable_grad())
        {
            var point = baseline.detach().clone().requires_grad_(true);
            var similarity = Similarity.Score(reference, _embedder.Embed(point).to(ScalarType.Float32));
            similarity.sum().backward();
            var map = (point.grad!.abs() * (x - baseline).abs()).reshape(height, width);
            return TensorArrays.ToArray2D(map);
        }
    }
}
