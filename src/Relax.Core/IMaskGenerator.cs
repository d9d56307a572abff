using static TorchSharp.torch;

namespace Relax;

/// <summary>
/// Draws random masks for perturbation-based explanation. A value of 1 keeps an input cell, 0 replaces it.
/// </summary>
public interface IMaskGenerator
{
    /// <summary>A short, stable name for reports and file names (for example <c>random-grid</c>).</summary>
    string Name { get; }

    /// <summary>Draws <paramref name="count"/> masks of <paramref name="height"/> × <paramref name="width"/> cells.</summary>
    /// <param name="count">Number of masks, at least 1.</param>
    /// <param name="height">Rows of the input (time frames for spectrograms).</param>
    /// <param name="width">Columns of the input (frequency bands for spectrograms).</param>
    /// <param name="generator">The seeded random generator to draw from; it lives on <paramref name="device"/>.</param>
    /// <param name="device">The device to create the masks on.</param>
    /// <returns>A float32 tensor (count, height, width) with values in [0, 1], owned by the caller.</returns>
    /// <exception cref="ArgumentException">The mask layout does not fit the input size.</exception>
    Tensor Generate(int count, int height, int width, Generator generator, Device device);
}
