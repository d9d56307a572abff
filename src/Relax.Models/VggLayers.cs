using static TorchSharp.torch;

namespace Relax.Models;

/// <summary>
/// A network's modules in VGG's pattern, for explainers that walk a network layer by layer (Layer-wise Relevance
/// Propagation, <c>LrpNetwork.For</c> in Relax.Evaluation): convolutions, ReLUs and max-pools, a flatten, then linear
/// layers and ReLUs. A model that is not such a stack (or post-processes its embedding) has none, and those explainers
/// are refused for it. The modules are the model's own (nothing is copied); they live as long as the model.
/// </summary>
/// <param name="Features">The layers before the flatten, in order.</param>
/// <param name="Dense">The layers after the flatten, in order; the last one's output is the embedding.</param>
/// <param name="Flatten">How the feature map is flattened.</param>
public sealed record VggLayers(IReadOnlyList<nn.Module<Tensor, Tensor>> Features, IReadOnlyList<nn.Module<Tensor, Tensor>> Dense, FlattenOrder Flatten);
