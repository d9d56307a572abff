namespace Relax.Models.VGGish;

/// <summary>
/// The official VGGish weights (torchvggish release v0.1) and shortcuts to load them.
/// </summary>
/// <example>
/// <code>
/// var resolver = new VGGishWeightsResolver(new VGGishWeightsResolverOptions { AllowDownload = true });
/// using var network = VGGishWeights.LoadNetwork(resolver.Resolve(VGGishWeights.Network));
/// using var pca = VGGishPostProcessor.Load(resolver.Resolve(VGGishWeights.Pca));
/// </code>
/// </example>
public static class VGGishWeights
{
    /// <summary>torchvggish's network weights, converted from Google's TensorFlow checkpoint (about 275 MB).
    /// Environment variable: <c>RELAX_VGGISH_WEIGHTS</c>.</summary>
    public static OfficialWeightsFile Network { get; } = new(
        "vggish-10086976.pth",
        new Uri("https://github.com/harritaylor/torchvggish/releases/download/v0.1/vggish-10086976.pth"),
        "RELAX_VGGISH_WEIGHTS");

    /// <summary>torchvggish's PCA parameters for the AudioSet post-processing (keys <c>pca_eigen_vectors</c>,
    /// <c>pca_means</c>). Environment variable: <c>RELAX_VGGISH_PCA</c>.</summary>
    public static OfficialWeightsFile Pca { get; } = new(
        "vggish_pca_params-970ea276.pth",
        new Uri("https://github.com/harritaylor/torchvggish/releases/download/v0.1/vggish_pca_params-970ea276.pth"),
        "RELAX_VGGISH_PCA");

    /// <summary>The default cache directory: <c>$XDG_CACHE_HOME/relax/vggish</c> or <c>~/.cache/relax/vggish</c> on
    /// Linux and macOS, <c>%LOCALAPPDATA%\relax\vggish</c> on Windows.</summary>
    public static string DefaultCacheDirectory
    {
        get
        {
            if (OperatingSystem.IsWindows())
            {
                return Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.LocalApplicationData), "relax", "vggish");
            }
            var xdg = Environment.GetEnvironmentVariable("XDG_CACHE_HOME");
            var root = !string.IsNullOrWhiteSpace(xdg) && Path.IsPathRooted(xdg)
                ? xdg
                : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache");
            return Path.Combine(root, "relax", "vggish");
        }
    }

    /// <summary>Creates a <see cref="VGGishNetwork"/> and loads a weights file into it (PyTorch <c>.pth</c>,
    /// safetensors or TorchSharp format; the keys of torchvggish's state dict).</summary>
    /// <param name="path">The weights file.</param>
    /// <param name="finalRelu">See <see cref="VGGishNetwork(bool)"/>.</param>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="Weights.WeightsFormatException">It is truncated, corrupt or of a format that is not read.</exception>
    /// <exception cref="VGGishWeightsMismatchException">Its tensors do not fit the network.</exception>
    public static VGGishNetwork LoadNetwork(string path, bool finalRelu = true)
    {
        var network = new VGGishNetwork(finalRelu);
        try
        {
            VGGishStateDict.Load(network, path);
            network.eval();
            return network;
        }
        catch
        {
            network.Dispose();
            throw;
        }
    }
}
