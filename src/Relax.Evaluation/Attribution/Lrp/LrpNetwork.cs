using Relax.Models;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Relax.Attribution;

/// <summary>
/// A network in VGG's pattern as Layer-wise Relevance Propagation sees it: a stack of 2-D convolutions ("same"
/// padding, stride 1), ReLUs and non-overlapping max-pools; a flatten; then linear layers and ReLUs. VGGish is one
/// (<c>VGGishNetwork.FeatureLayers</c>, <c>EmbeddingLayers</c>, <see cref="FlattenOrder.ChannelsLast"/>). The network
/// refers to the modules' parameters (it copies nothing and owns nothing); keep the modules alive while it is used.
/// </summary>
/// <remarks>Written by hand because no LRP library exists for .NET (Zennit and Captum's LRP are Python only); the
/// rules follow Montavon et al. (2019) and are checked against an independent PyTorch implementation
/// (<c>tools/reference/lrp_reference.py</c>).</remarks>
public sealed class LrpNetwork
{
    private readonly LrpLayer[] _layers;

    private LrpNetwork(LrpLayer[] layers, string inputDescription)
    {
        _layers = layers;
        Description = inputDescription;
    }

    /// <summary>The layers in order, for messages and reports (for example "conv 1→64 3×3, relu, maxpool 2, …").</summary>
    public string Description { get; }

    /// <summary>Number of output features (the embedding size).</summary>
    public long OutputFeatures => ((LrpDense)_layers.Last(l => l is LrpDense)).OutputFeatures;

    /// <summary>The device of the parameters.</summary>
    public Device Device { get; private init; } = CPU;

    internal IReadOnlyList<LrpLayer> Layers => _layers;

    /// <summary>Describes a VGG-pattern network from its modules.</summary>
    /// <param name="features">Convolutions (<see cref="Conv2d"/>: groups 1, stride 1, dilation 1, zero "same" padding
    /// of an odd kernel), <see cref="ReLU"/>s and <see cref="MaxPool2d"/>s (kernel = stride, no padding); at least
    /// one convolution, and the first layer a convolution.</param>
    /// <param name="dense"><see cref="Linear"/> layers and <see cref="TorchSharp.Modules.ReLU"/>s after the flatten; at least one linear layer.</param>
    /// <param name="flatten">How the feature map (B, C, H, W) is flattened before the first linear layer.</param>
    /// <exception cref="ArgumentException">A layer LRP has no rule for, or one outside the pattern (the message names it).</exception>
    public static LrpNetwork FromVggPattern(IEnumerable<nn.Module<Tensor, Tensor>> features, IEnumerable<nn.Module<Tensor, Tensor>> dense, FlattenOrder flatten = FlattenOrder.ChannelsLast)
    {
        ArgumentNullException.ThrowIfNull(features);
        ArgumentNullException.ThrowIfNull(dense);
        var layers = new List<LrpLayer>();
        int index = 0;
        foreach (var module in features)
        {
            layers.Add(module switch
            {
                Conv2d conv => LrpConvolution.Create(conv, first: layers.Count == 0, index, nameof(features)),
                TorchSharp.Modules.ReLU when layers.Count > 0 => new LrpRelu(),
                MaxPool2d pool when layers.Count > 0 => LrpMaxPool.Create(pool, index, nameof(features)),
                _ => throw Unsupported(module, index, "features", "a Conv2d first, then Conv2d, ReLU or MaxPool2d"),
            });
            index++;
        }
        if (!layers.OfType<LrpConvolution>().Any())
        {
            throw new ArgumentException("LRP for a VGG-pattern network needs at least one convolution in the features.", nameof(features));
        }
        layers.Add(new LrpFlatten(flatten));
        index = 0;
        foreach (var module in dense)
        {
            layers.Add(module switch
            {
                Linear linear => new LrpDense(linear.weight!, linear.bias),
                TorchSharp.Modules.ReLU => new LrpRelu(),
                _ => throw Unsupported(module, index, "dense", "Linear or ReLU"),
            });
            index++;
        }
        if (!layers.OfType<LrpDense>().Any())
        {
            throw new ArgumentException("LRP for a VGG-pattern network needs at least one linear layer after the flatten.", nameof(dense));
        }
        var device = layers.OfType<LrpConvolution>().First().Device;
        return new LrpNetwork([.. layers], string.Join(", ", layers.Select(l => l.Describe()))) { Device = device };
    }

    /// <summary>The LRP network of a model whose layers are a VGG-pattern stack (<see cref="AudioModel.Layers"/>);
    /// null when the model has none (it is not such a stack, or post-processes its embedding).</summary>
    /// <exception cref="ArgumentException">The layers break the pattern (the message names the layer).</exception>
    public static LrpNetwork? For(AudioModel model)
    {
        ArgumentNullException.ThrowIfNull(model);
        return model.Layers is { } layers ? FromVggPattern(layers.Features, layers.Dense, layers.Flatten) : null;
    }

    /// <summary>Runs the network on <paramref name="input"/> (1, C, H, W) in <paramref name="dtype"/>, keeping each
    /// layer's input: element i is the input of layer i, the last element the output.</summary>
    internal List<Tensor> Activations(Tensor input, ScalarType dtype)
    {
        var activations = new List<Tensor>(_layers.Length + 1) { input };
        foreach (var layer in _layers)
        {
            activations.Add(layer.Forward(activations[^1], dtype));
        }
        return activations;
    }

    private static ArgumentException Unsupported(nn.Module module, int index, string part, string accepted) =>
        new($"LRP has no rule for layer {index} of the {part} ({module.GetType().Name}); a VGG-pattern network has {accepted} there.", part);
}
