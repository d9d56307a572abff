using Relax.Audio;
using Relax.Classification;
using Relax.Models.VGGish;
using Relax.Models.VGGish.DefaultModel;
using Relax.Plots;

namespace Relax.Cli;

/// <summary>Which model a command explains: Google's VGGish when its weights are given or installed, else the shipped default model.</summary>
internal static class ModelChoice
{
    /// <summary>Time and frequency of VGGish log-mel cells, for figures.</summary>
    public static SpectrogramAxes VggishAxes { get; } = new()
    {
        FrameSeconds = VggishLogMel.HopLength / (double)VggishLogMel.SampleRate,
        BandCentresHz = MelFilterbank.Vggish.CentreHertz,
    };

    /// <summary>Loads the model. The official VGGish has no classifier head (<c>Head</c> is null); the default model
    /// comes with its dog / cat / bird head.</summary>
    public static (VGGishEmbedder Embedder, IEmbeddingClassifier? Head, string Identity) Load(string? weights, VGGishEmbedderOptions options)
    {
        string? path = null;
        try
        {
            path = new VGGishWeightsResolver().Resolve(VGGishWeights.Network, weights);
        }
        catch (VGGishWeightsNotFoundException) when (weights is null)
        {
            // Nothing installed: fall back to the model that ships with Relax.
        }
        if (path is not null)
        {
            return (VGGishEmbedder.FromFiles(path, null, options), null, $"Google VGGish (torchvggish weights {path}, raw embeddings)");
        }
        var model = SyntheticAnimalModel.Load(options);
        return (model.Embedder, model.Head, model.Identity + " — no official VGGish weights found; pass --weights or put them in " + VGGishWeights.DefaultCacheDirectory);
    }
}
