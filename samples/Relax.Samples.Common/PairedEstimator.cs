using Relax.Estimation;
using static TorchSharp.torch;

namespace Relax.Samples;

/// <summary>Accumulates the same masks and scores into both estimators, mask-weight (reported by the explainer) and
/// the paper's 1/N (<see cref="EstimateMaskCount"/>), so that the two are compared on identical masks at half the cost.</summary>
public sealed class PairedEstimator(int height, int width, Device device) : ISaliencyEstimator
{
    private readonly StreamingSaliencyEstimator _maskWeight = new(height, width, device, SaliencyNormalization.MaskWeight);
    private readonly StreamingSaliencyEstimator _maskCount = new(height, width, device, SaliencyNormalization.MaskCount);

    /// <inheritdoc />
    public int Height => _maskWeight.Height;

    /// <inheritdoc />
    public int Width => _maskWeight.Width;

    /// <summary>The normalisation of <see cref="Estimate"/> (the explainer's result): mask-weight.</summary>
    public SaliencyNormalization Normalization => SaliencyNormalization.MaskWeight;

    /// <inheritdoc />
    public long Count => _maskWeight.Count;

    /// <inheritdoc />
    public void Accumulate(Tensor masks, Tensor scores)
    {
        _maskWeight.Accumulate(masks, scores);
        _maskCount.Accumulate(masks, scores);
    }

    /// <summary>The mask-weight estimate.</summary>
    public SaliencyMaps Estimate() => _maskWeight.Estimate();

    /// <summary>The 1/N estimate: saliency and uncertainty as managed arrays.</summary>
    public (float[,] Saliency, float[,] Uncertainty) EstimateMaskCount()
    {
        using var maps = _maskCount.Estimate();
        return (TensorArrays.ToArray2D(maps.Saliency), TensorArrays.ToArray2D(maps.Uncertainty));
    }

    /// <inheritdoc />
    public double SplitHalfCorrelation() => _maskWeight.SplitHalfCorrelation();

    /// <inheritdoc />
    public void Dispose()
    {
        _maskWeight.Dispose();
        _maskCount.Dispose();
    }
}
