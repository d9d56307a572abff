using Relax.Similarity;
using static TorchSharp.torch;

namespace Relax.Attribution;

/// <summary>
/// Integrated Gradients (Sundararajan et al., 2017) of s(x) = sim(h(x), h(x₀)), the similarity to the unmasked
/// embedding (cosine by default, or any differentiable <see cref="ISimilarity"/>), from a baseline x′ (the replacement value, as for RELAX) to the input x₀:
/// IGᵢ = (x₀ᵢ − x′ᵢ) · ∫₀¹ ∂s(x′ + α(x₀ − x′))/∂xᵢ dα, by the midpoint rule with <see cref="Steps"/> points in
/// batches. Completeness: Σᵢ IGᵢ ≈ s(x₀) − s(x′) = 1 − s(x′). Needs a differentiable embedder.
/// </summary>
public sealed class IntegratedGradientsAttribution : IAttributionMethod
{
    private readonly IEmbedder _embedder;

    /// <summary>Creates the method.</summary>
    /// <param name="embedder">A differentiable model (TorchSharp autograd).</param>
    /// <param name="steps">Points on the path, ≥ 1 (64 gives completeness within 1% for VGG-like models).</param>
    /// <param name="baseline">The baseline; default the input's mean.</param>
    /// <param name="batchSize">Path points per forward/backward pass, ≥ 1.</param>
    /// <param name="similarity">How embeddings are compared (differentiable); default cosine, as RELAX.</param>
    public IntegratedGradientsAttribution(IEmbedder embedder, int steps = 64, MaskReplacement? baseline = null, int batchSize = 32, ISimilarity? similarity = null)
    {
        Similarity = similarity ?? CosineSimilarity.Instance;
        _embedder = embedder ?? throw new ArgumentNullException(nameof(embedder));
        Steps = steps >= 1 ? steps : throw new ArgumentOutOfRangeException(nameof(steps), steps, "Must be at least 1.");
        Baseline = baseline ?? MaskReplacement.Mean;
        BatchSize = batchSize >= 1 ? batchSize : throw new ArgumentOutOfRangeException(nameof(batchSize), batchSize, "Must be at least 1.");
    }

    /// <summary>Points on the integration path.</summary>
    public int Steps { get; }

    /// <summary>The baseline input.</summary>
    public MaskReplacement Baseline { get; }

    /// <summary>How embeddings are compared.</summary>
    public ISimilarity Similarity { get; }

    /// <summary>Path points per pass.</summary>
    public int BatchSize { get; }

    /// <inheritdoc />
    public string Name => "integrated-gradients";

    /// <inheritdoc />
    public float[,] Attribute(Tensor input, CancellationToken cancellationToken = default) => AttributeWithCheck(input, cancellationToken).Map;

    /// <summary>Attributions together with s(x′), so that completeness can be checked: Σ map ≈ 1 − s(x′).</summary>
    public (float[,] Map, double BaselineSimilarity) AttributeWithCheck(Tensor input, CancellationToken cancellationToken = default)
    {
        using var scope = NewDisposeScope();
        var x = InputShape.Prepare(input, _embedder.Device, out int height, out int width);
        Tensor reference, baseline;
        double baselineSimilarity;
        using (no_grad())
        {
            baseline = Baseline.Compute(x).to(ScalarType.Float32, x.device).expand(1, 1, height, width).contiguous();
            reference = _embedder.Embed(x).to(ScalarType.Float32);
            baselineSimilarity = Similarity.Score(reference, _embedder.Embed(baseline).to(ScalarType.Float32)).item<float>();
        }
        var difference = x - baseline;
        var gradientSum = zeros(new long[] { 1, 1, height, width }, dtype: ScalarType.Float64, device: x.device);
        using (enable_grad())
        {
            for (int start = 0; start < Steps; start += BatchSize)
            {
                cancellationToken.ThrowIfCancellationRequested();
                using var batchScope = NewDisposeScope();
                int count = Math.Min(BatchSize, Steps - start);
                var alphas = (arange(start, start + count, dtype: ScalarType.Float32, device: x.device) + 0.5f) / Steps;
                var points = (baseline + alphas.view(count, 1, 1, 1) * difference).detach().requires_grad_(true);
                var similarity = Similarity.Score(reference, _embedder.Embed(points).to(ScalarType.Float32));
                similarity.sum().backward();
                gradientSum.add_(points.grad!.to(ScalarType.Float64).sum(0, keepdim: true));
            }
        }
        var attributions = (gradientSum / Steps * difference.to(ScalarType.Float64)).reshape(height, width);
        return (TensorArrays.ToArray2D(attributions), baselineSimilarity);
    }
}
