using Relax.Models.VGGish;

namespace Relax.Synthetic;

/// <summary>
/// The one place that decides which model an application explains: Google's VGGish when its weights are given or
/// installed (an explicit path, <c>$RELAX_VGGISH_WEIGHTS</c>, or the cache directory; never downloaded here), else
/// the default model that ships with Relax (<see cref="SyntheticAnimalModel"/>), named as such in
/// <see cref="LoadedModel.Identity"/>. The <c>relax</c> command and the samples load through it.
/// </summary>
public static class ModelLoader
{
    /// <summary>The path of Google's VGGish weights: <paramref name="weights"/> when given (checked), else the
    /// environment variable or the cache; null when none is installed and none was asked for.</summary>
    /// <param name="weights">A path the user gave, or null to look in the usual places.</param>
    /// <param name="resolver">Where and how to look; default a resolver with default options.</param>
    /// <exception cref="VGGishWeightsException">A file given explicitly or named by <c>$RELAX_VGGISH_WEIGHTS</c> is
    /// missing (a typo is an error, not a reason to fall back), corrupt or has the wrong checksum.</exception>
    public static string? FindOfficialWeights(string? weights = null, VGGishWeightsResolver? resolver = null)
    {
        try
        {
            return (resolver ?? new VGGishWeightsResolver()).Resolve(VGGishWeights.Network, weights);
        }
        catch (VGGishWeightsNotFoundException e) when (!e.Named)
        {
            return null; // nothing installed and nothing named: the caller falls back to the shipped default model
        }
    }

    /// <summary>The identity of Google's VGGish with the weights whose SHA-256 (lower-case hex) is given.</summary>
    /// <param name="sha256">The weights file's SHA-256.</param>
    public static string IdentityOf(string sha256) => $"Google VGGish (torchvggish weights with SHA-256 {sha256}, raw embeddings)";

    /// <summary>Loads Google's VGGish (raw embeddings, no head) when its weights are found, else the shipped default
    /// model with its dog / cat / bird head.</summary>
    /// <param name="weights">A path to VGGish weights, or null to look in the usual places.</param>
    /// <param name="options">Device, dtype and batch size of the embedder.</param>
    /// <exception cref="VGGishWeightsException">Given weights are missing or unusable.</exception>
    public static LoadedModel Load(string? weights = null, VGGishEmbedderOptions? options = null)
    {
        var path = FindOfficialWeights(weights);
        if (path is not null)
        {
            // What the model is is the weights' bytes, not where they lie: a file replaced at the same path is another
            // model (resumed runs and cluster workers compare this identity), and one file under two paths is one.
            var sha256 = VGGishWeightsResolver.Sha256Of(path);
            var embedder = VGGishEmbedder.FromFiles(path, null, options);
            if (VGGishWeightsResolver.Sha256Of(path) != sha256)
            {
                embedder.Dispose();
                throw new VGGishWeightsFormatException($"{path}: the file changed while it was being loaded; load it again when nothing writes to it.");
            }
            return new LoadedModel(embedder, null, IdentityOf(sha256), IsOfficialVGGish: true)
            {
                Notice = $"VGGish weights read from {path}",
            };
        }
        var model = SyntheticAnimalModel.Load(options);
        return model with
        {
            Notice = $"no official VGGish weights found, so this is the shipped default model; for Google's VGGish pass --weights, set ${VGGishWeights.Network.EnvironmentVariable} or put them in {VGGishWeights.DefaultCacheDirectory}",
        };
    }
}
