using Relax.Models;
using Relax.Models.VGGish;

namespace Relax.Synthetic;

/// <summary>
/// The default model that ships with Relax (<see cref="SyntheticAnimalModel"/>: a compact VGGish-pattern network with
/// a dog / cat / bird head, trained on generated sounds) as a model provider: named <c>default</c>, chosen when no
/// other provider before it takes a request that names no model (in the <c>relax</c> command's catalog: when no
/// VGGish weights are given or installed). It reads no file: its weights are embedded in this assembly.
/// </summary>
public sealed class DefaultModelProvider : IModelProvider
{
    /// <summary>The name <c>--model</c> uses: <c>default</c>.</summary>
    public const string ProviderName = "default";

    /// <inheritdoc />
    public string Name => ProviderName;

    /// <inheritdoc />
    public string Description => "the shipped default model (compact VGGish-pattern network, dog/cat/bird head; trained on synthetic sounds)";

    /// <inheritdoc />
    /// <remarks>Always true: the default model needs nothing installed.</remarks>
    public bool IsDefaultFor(ModelRequest request) => true;

    /// <inheritdoc />
    /// <exception cref="ModelException">The request names a weights file: the default model reads none.</exception>
    public AudioModel Load(ModelRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (request.Weights is not null)
        {
            throw new ModelException($"{request.Weights}: the default model reads no weights file (its weights ship with Relax); weights are for --model {VGGishModelProvider.ProviderName}.");
        }
        // Chosen without a name because no VGGish weights were found: say how to get Google's model instead.
        var notice = request.Model is not null ? null
            : $"no official VGGish weights found, so this is the shipped default model; for Google's VGGish pass --weights, set ${VGGishWeights.Network.EnvironmentVariable} or put them in {VGGishWeights.DefaultCacheDirectory}";
        return SyntheticAnimalModel.Load(new VGGishEmbedderOptions { Device = request.Device, DType = request.DType, BatchSize = request.BatchSize }, notice);
    }
}
