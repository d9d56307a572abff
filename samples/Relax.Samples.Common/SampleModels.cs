using Relax.Models.VGGish;
using Relax.Models.VGGish.DefaultModel;

namespace Relax.Samples;

/// <summary>The models the samples explain.</summary>
public static class SampleModels
{
    /// <summary>Google's VGGish weights when given (<c>--weights</c>) or installed ($RELAX_VGGISH_WEIGHTS, the cache);
    /// never downloads. Null when none are installed.</summary>
    public static string? OfficialWeights(SampleSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        try
        {
            return new VGGishWeightsResolver().Resolve(VGGishWeights.Network, settings.Weights);
        }
        catch (VGGishWeightsNotFoundException) when (settings.Weights is null)
        {
            return null;
        }
    }

    /// <summary>Official VGGish (raw embeddings) when its weights are available, else the shipped default model;
    /// the identity says which.</summary>
    public static (VGGishEmbedder Embedder, string Identity) Load(SampleSettings settings)
    {
        var path = OfficialWeights(settings);
        if (path is not null)
        {
            return (VGGishEmbedder.FromFiles(path), $"Google VGGish ({path}, raw 128-d embeddings)");
        }
        var model = SyntheticAnimalModel.Load();
        return (model.Embedder, model.Identity + $" — no official VGGish weights found (--weights FILE, ${VGGishWeights.Network.EnvironmentVariable} or {VGGishWeights.DefaultCacheDirectory})");
    }
}
