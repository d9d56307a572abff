using static TorchSharp.torch;

namespace Relax;

/// <summary>
/// Accumulates similarity scores against the masks that produced them and turns them into per-cell
/// saliency and uncertainty maps, streaming: memory does not grow with the number of masks.
/// </summary>
public interface ISaliencyEstimator : IDisposable
{
    /// <summary>Rows of the maps.</summary>
    int Height { get; }

    /// <summary>Columns of the maps.</summary>
    int Width { get; }

    /// <summary>How <see cref="Estimate"/> normalises the accumulated similarity: the one source of the normalisation
    /// that a <see cref="RelaxResult"/> reports.</summary>
    SaliencyNormalization Normalization { get; }

    /// <summary>Number of masks accumulated so far.</summary>
    long Count { get; }

    /// <summary>Adds a batch of masks and their similarity scores.</summary>
    /// <param name="masks">Masks of shape (B, Height, Width) with values in [0, 1].</param>
    /// <param name="scores">Similarity scores of shape (B), one per mask, on the same device.</param>
    void Accumulate(Tensor masks, Tensor scores);

    /// <summary>The current estimate; the caller owns (and disposes) the returned maps.</summary>
    SaliencyMaps Estimate();

    /// <summary>
    /// Pearson correlation between the saliency maps estimated from the even-numbered and the odd-numbered
    /// masks: a measure of how reproducible the current map is. NaN while it cannot be computed.
    /// </summary>
    double SplitHalfCorrelation();
}
