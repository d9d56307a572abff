using static TorchSharp.torch;

namespace Relax.Models;

/// <summary>Managed-array conveniences over <see cref="IEmbedder"/>.</summary>
public static class EmbedderExtensions
{
    /// <summary>Embeds examples given as managed arrays, all of one shape (H, W), as one batch (B, 1, H, W) on the
    /// embedder's device, without autograd.</summary>
    /// <param name="embedder">The model.</param>
    /// <param name="examples">The examples, e.g. (96, 64) log-mel matrices.</param>
    /// <returns>float32 (B, D) embeddings as a managed array.</returns>
    /// <exception cref="ArgumentException">Examples of different shapes.</exception>
    public static float[,] EmbedExamples(this IEmbedder embedder, IReadOnlyList<float[,]> examples)
    {
        ArgumentNullException.ThrowIfNull(embedder);
        ArgumentNullException.ThrowIfNull(examples);
        if (examples.Count == 0)
        {
            return new float[0, 0];
        }
        int height = examples[0].GetLength(0), width = examples[0].GetLength(1);
        var values = new float[(long)examples.Count * height * width];
        for (int e = 0; e < examples.Count; e++)
        {
            var example = examples[e];
            if (example.GetLength(0) != height || example.GetLength(1) != width)
            {
                throw new ArgumentException($"Example {e} is {example.GetLength(0)} × {example.GetLength(1)}; the first is {height} × {width}.", nameof(examples));
            }
            if (height * width > 0)
            {
                System.Runtime.InteropServices.MemoryMarshal.CreateReadOnlySpan(ref example[0, 0], height * width).CopyTo(values.AsSpan(e * height * width));
            }
        }
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var input = tensor(values, [examples.Count, 1L, height, width]).to(embedder.Device);
        return TensorArrays.ToArray2D(embedder.Embed(input));
    }
}
