using static TorchSharp.torch;

namespace Relax;

/// <summary>
/// Draws random masks for perturbation-based explanation. A value of 1 keeps an input cell, 0 replaces it.
/// Mask n must depend on nothing but the batch's seed and n (draw through <see cref="MaskBatch.Uniform"/> and
/// <see cref="MaskBatch.Bernoulli"/>), and must be the same bits on every device: then results do not depend on the
/// batch size, the device or the order batches run in.
/// </summary>
public interface IMaskGenerator
{
    /// <summary>A short, stable name for reports and file names (for example <c>random-grid</c>).</summary>
    string Name { get; }

    /// <summary>Draws the masks of <paramref name="batch"/>, each <paramref name="height"/> × <paramref name="width"/> cells.</summary>
    /// <param name="batch">Which masks: the seed and the indices of the masks in the run.</param>
    /// <param name="height">Rows of the input (time frames for spectrograms).</param>
    /// <param name="width">Columns of the input (frequency bands for spectrograms).</param>
    /// <param name="device">The device to create the masks on.</param>
    /// <returns>A float32 tensor (batch.Count, height, width) with values in [0, 1], owned by the caller.</returns>
    /// <exception cref="ArgumentException">The mask layout does not fit the input size.</exception>
    Tensor Generate(MaskBatch batch, int height, int width, Device device);
}
