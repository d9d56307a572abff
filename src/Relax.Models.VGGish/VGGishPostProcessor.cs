using Relax.Models.Weights;
using static TorchSharp.torch;

namespace Relax.Models.VGGish;

/// <summary>
/// The AudioSet post-processing of VGGish embeddings: PCA projection (with whitening), clipping to [−2, 2] and
/// 8-bit quantisation to the values 0…255, as in TensorFlow's <c>vggish_postprocess.py</c> and torchvggish's
/// <c>Postprocessor</c>.
/// </summary>
/// <remarks>
/// The output is piecewise constant in the input (quantised), so small changes of the input often do not change it:
/// for saliency methods such as RELAX the raw embedding is usually the better representation.
/// </remarks>
public sealed class VGGishPostProcessor : IDisposable
{
    /// <summary>Lower clipping bound before quantisation.</summary>
    public const float QuantizeMin = -2.0f;

    /// <summary>Upper clipping bound before quantisation.</summary>
    public const float QuantizeMax = 2.0f;

    private readonly Tensor _eigenVectors; // (128, 128): rows are output dimensions
    private readonly Tensor _means;        // (1, 128)

    /// <summary>Creates a post-processor from the PCA parameters (copied; the caller keeps ownership of its tensors).</summary>
    /// <param name="eigenVectors">(128, 128), output dimensions in rows (<c>pca_eigen_vectors</c>).</param>
    /// <param name="means">(128) or (128, 1) (<c>pca_means</c>).</param>
    /// <exception cref="ArgumentException">A shape is wrong.</exception>
    public VGGishPostProcessor(Tensor eigenVectors, Tensor means)
    {
        ArgumentNullException.ThrowIfNull(eigenVectors);
        ArgumentNullException.ThrowIfNull(means);
        const int n = VGGishNetwork.EmbeddingSize;
        if (eigenVectors.dim() != 2 || eigenVectors.shape[0] != n || eigenVectors.shape[1] != n)
        {
            throw new ArgumentException($"The PCA eigenvectors must have shape ({n}, {n}); got ({string.Join(", ", eigenVectors.shape)}).", nameof(eigenVectors));
        }
        if (means.numel() != n || !(means.dim() == 1 || (means.dim() == 2 && means.shape[1] == 1)))
        {
            throw new ArgumentException($"The PCA means must have shape ({n}) or ({n}, 1); got ({string.Join(", ", means.shape)}).", nameof(means));
        }
        _eigenVectors = eigenVectors.detach().to(ScalarType.Float32, CPU).clone().DetachFromDisposeScope();
        _means = means.detach().to(ScalarType.Float32, CPU).reshape(1, n).clone().DetachFromDisposeScope();
        Device = CPU;
    }

    private VGGishPostProcessor(Tensor eigenVectors, Tensor means, Device device)
    {
        _eigenVectors = eigenVectors;
        _means = means;
        Device = device;
    }

    /// <summary>The device of the PCA parameters.</summary>
    public Device Device { get; }

    /// <summary>Returns a copy on <paramref name="device"/>.</summary>
    public VGGishPostProcessor To(Device device)
    {
        ArgumentNullException.ThrowIfNull(device);
        return new VGGishPostProcessor(_eigenVectors.to(device).DetachFromDisposeScope(), _means.to(device).DetachFromDisposeScope(), device);
    }

    /// <summary>PCA-projects, clips and quantises a batch of raw embeddings.</summary>
    /// <param name="embeddings">(B, 128), any float dtype, on <see cref="Device"/>.</param>
    /// <returns>float32 (B, 128) with integer values 0…255.</returns>
    public Tensor Apply(Tensor embeddings)
    {
        ArgumentNullException.ThrowIfNull(embeddings);
        if (embeddings.dim() != 2 || embeddings.shape[1] != VGGishNetwork.EmbeddingSize)
        {
            throw new ArgumentException($"Expected embeddings of shape (B, {VGGishNetwork.EmbeddingSize}); got ({string.Join(", ", embeddings.shape)}).", nameof(embeddings));
        }
        using var scope = NewDisposeScope();
        var centred = embeddings.to(ScalarType.Float32) - _means;
        var projected = centred.matmul(_eigenVectors.t());
        var clipped = projected.clamp(QuantizeMin, QuantizeMax);
        var quantised = ((clipped - QuantizeMin) * (255.0f / (QuantizeMax - QuantizeMin))).round();
        return quantised.MoveToOuterDisposeScope();
    }

    /// <summary>Loads the PCA parameters from a file: torchvggish's <c>vggish_pca_params-970ea276.pth</c> (keys
    /// <c>pca_eigen_vectors</c> and <c>pca_means</c>; <c>pca_matrix</c> is accepted too), a safetensors file, a
    /// TorchSharp file, or TensorFlow's <c>vggish_pca_params.npz</c>.</summary>
    /// <exception cref="WeightsFormatException">The file is truncated, corrupt or of an unknown format.</exception>
    /// <exception cref="VGGishWeightsMismatchException">A key is missing or has the wrong shape.</exception>
    public static VGGishPostProcessor Load(string path)
    {
        var tensors = StateDictFile.Load(path);
        try
        {
            return FromStateDict(path, tensors);
        }
        finally
        {
            foreach (var t in tensors.Values)
            {
                t.Dispose();
            }
        }
    }

    private static VGGishPostProcessor FromStateDict(string path, Dictionary<string, Tensor> tensors)
    {
        var eigen = tensors.GetValueOrDefault("pca_eigen_vectors") ?? tensors.GetValueOrDefault("pca_matrix");
        var means = tensors.GetValueOrDefault("pca_means");
        const int n = VGGishNetwork.EmbeddingSize;
        var problems = new List<string>();
        if (eigen is null)
        {
            problems.Add("missing: pca_eigen_vectors (128, 128)");
        }
        else if (eigen.dim() != 2 || eigen.shape[0] != n || eigen.shape[1] != n)
        {
            problems.Add($"shape: pca_eigen_vectors is ({string.Join(", ", eigen.shape)}), expected ({n}, {n})");
        }
        if (means is null)
        {
            problems.Add("missing: pca_means (128)");
        }
        else if (means.numel() != n)
        {
            problems.Add($"shape: pca_means is ({string.Join(", ", means.shape)}), expected ({n})");
        }
        if (problems.Count > 0)
        {
            throw new VGGishWeightsMismatchException(path, problems);
        }
        using var flatMeans = means!.reshape(n);
        return new VGGishPostProcessor(eigen!, flatMeans);
    }

    /// <inheritdoc />
    public void Dispose()
    {
        _eigenVectors.Dispose();
        _means.Dispose();
    }
}
