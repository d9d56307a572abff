using Relax.Models.Weights;
namespace Relax.Models.VGGish;

/// <summary>
/// Google's VGGish (raw 128-d embeddings, no classifier head) from the torchvggish weights: a path given in
/// <see cref="ModelRequest.Weights"/>, else <c>$RELAX_VGGISH_WEIGHTS</c>, else the cache directory; never downloaded
/// here. Chosen without a name when weights are given or installed. Its identity names the weights' SHA-256, hashed
/// before and after loading (a file that changes meanwhile is refused), so that another file at the same path is
/// another model and one file under two paths is one.
/// </summary>
/// <param name="resolver">Where and how to look for the weights; default a resolver with default options.</param>
public sealed class VGGishModelProvider(VGGishWeightsResolver? resolver = null) : IModelProvider
{
    private readonly VGGishWeightsResolver _resolver = resolver ?? new VGGishWeightsResolver();

    /// <summary>The name <c>--model</c> uses: <c>vggish</c>.</summary>
    public const string ProviderName = "vggish";

    /// <inheritdoc />
    public string Name => ProviderName;

    /// <inheritdoc />
    public string Description => $"Google's VGGish (torchvggish weights: --weights, ${VGGishWeights.Network.EnvironmentVariable} or {VGGishWeights.DefaultCacheDirectory})";

    /// <summary>The identity of Google's VGGish with the weights whose SHA-256 (lower-case hex) is given.</summary>
    /// <param name="sha256">The weights file's SHA-256.</param>
    public static string IdentityOf(string sha256) => $"Google VGGish (torchvggish weights with SHA-256 {sha256}, raw embeddings)";

    /// <summary>The path of Google's VGGish weights: <paramref name="weights"/> when given (checked), else the
    /// environment variable or the cache; null when none is installed and none was asked for.</summary>
    /// <param name="weights">A path the user gave, or null to look in the usual places.</param>
    /// <exception cref="VGGishWeightsException">A file given explicitly or named by <c>$RELAX_VGGISH_WEIGHTS</c> is
    /// missing (a typo is an error, not a reason to fall back) or has the wrong checksum.</exception>
    /// <exception cref="Weights.WeightsFormatException">The file found is truncated or corrupt.</exception>
    public string? FindWeights(string? weights = null)
    {
        try
        {
            return _resolver.Resolve(VGGishWeights.Network, weights);
        }
        catch (VGGishWeightsNotFoundException e) when (!e.Named)
        {
            return null; // nothing installed and nothing named: another model may be chosen
        }
    }

    /// <inheritdoc />
    /// <remarks>True when weights are given (<see cref="Load"/> then checks them) or installed; a file named by
    /// <c>$RELAX_VGGISH_WEIGHTS</c> that is missing or damaged throws here.</remarks>
    public bool IsDefaultFor(ModelRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        return request.Weights is not null || FindWeights() is not null;
    }

    /// <inheritdoc />
    public AudioModel Load(ModelRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var path = _resolver.Resolve(VGGishWeights.Network, request.Weights);
        var sha256 = VGGishWeightsResolver.Sha256Of(path);
        var embedder = VGGishEmbedder.FromFiles(path, null, new VGGishEmbedderOptions { Device = request.Device, DType = request.DType, BatchSize = request.BatchSize });
        if (VGGishWeightsResolver.Sha256Of(path) != sha256)
        {
            embedder.Dispose();
            throw new WeightsFormatException($"{path}: the file changed while it was being loaded; load it again when nothing writes to it.");
        }
        return embedder.AsModel(IdentityOf(sha256), notice: $"VGGish weights read from {path}");
    }
}
