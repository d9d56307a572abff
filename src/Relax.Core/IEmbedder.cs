using static TorchSharp.torch;

namespace Relax;

/// <summary>
/// A representation model: maps a batch of single-channel inputs to one embedding vector each.
/// </summary>
/// <remarks>
/// Inputs have shape (B, 1, H, W); for audio models H is time (frames) and W is frequency (bands).
/// Implementations run on <see cref="Device"/>, are called under <c>torch.no_grad()</c> by the explainers,
/// and return a new tensor that the caller owns and disposes.
/// </remarks>
public interface IEmbedder
{
    /// <summary>The device the model runs on; inputs are moved there by the caller.</summary>
    Device Device { get; }

    /// <summary>Embeds a batch.</summary>
    /// <param name="inputs">A float32 tensor of shape (B, 1, H, W) on <see cref="Device"/>.</param>
    /// <returns>Embeddings of shape (B, D) on <see cref="Device"/>.</returns>
    Tensor Embed(Tensor inputs);
}
