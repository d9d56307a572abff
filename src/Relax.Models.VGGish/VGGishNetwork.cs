using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace Relax.Models.VGGish;

/// <summary>
/// The VGGish network (Hershey et al., 2017) with the layer layout and parameter names of the PyTorch port
/// torchvggish, so that its checkpoint <c>vggish-10086976.pth</c> loads unchanged.
/// </summary>
/// <remarks>
/// <para>Input: log-mel examples of shape (B, 1, 96, 64) (or (B, 96, 64)): 96 frames of 10 ms by 64 mel bands,
/// as made by VGGish's front end. Output: raw 128-dimensional embeddings (B, 128).</para>
/// <para><c>features</c> = conv3×3(1→64), ReLU, maxpool 2; conv(64→128), ReLU, maxpool; conv(128→256), ReLU,
/// conv(256→256), ReLU, maxpool; conv(256→512), ReLU, conv(512→512), ReLU, maxpool. The (B, 512, 6, 4) map is
/// permuted to channels-last (B, 6, 4, 512) before flattening, as TensorFlow's NHWC original does, then
/// <c>embeddings</c> = Linear(12288→4096), ReLU, Linear(4096→4096), ReLU, Linear(4096→128), ReLU.
/// State-dict keys: <c>features.{0,3,6,8,11,13}.{weight,bias}</c> and <c>embeddings.{0,2,4}.{weight,bias}</c>.</para>
/// <para>The final ReLU (<c>embeddings.5</c>) follows torchvggish. TensorFlow's current <c>vggish_slim.py</c> defines
/// the embedding layer <c>fc2</c> with <c>activation_fn=None</c> (pre-activation output); the first TF release had
/// a ReLU there, and torchvggish kept it (torchvggish issue #24). Pass <c>finalRelu: false</c> for the
/// pre-activation embedding of the current TensorFlow model; the weights are the same.</para>
/// </remarks>
public sealed class VGGishNetwork : Module<Tensor, Tensor>
{
    /// <summary>Frames per example (0.96 s at a 10 ms hop).</summary>
    public const int Frames = 96;

    /// <summary>Mel bands per frame.</summary>
    public const int Bands = 64;

    /// <summary>Size of VGGish's embedding (also that of <see cref="VGGishArchitecture.Compact"/>).</summary>
    public const int EmbeddingSize = 128;

    private readonly Sequential features;
    private readonly Sequential embeddings;

    /// <summary>Creates the network with PyTorch's default (random) initialisation; load weights with
    /// <see cref="VGGishWeights"/> or <see cref="StateDictFile"/>.</summary>
    /// <param name="finalRelu">Whether the last layer is followed by a ReLU: true as in torchvggish (default);
    /// false for the pre-activation embedding of TensorFlow's current <c>vggish_slim.py</c>.</param>
    public VGGishNetwork(bool finalRelu = true) : this(VGGishArchitecture.Standard, finalRelu)
    {
    }

    /// <summary>Creates a network of the given widths in VGGish's layer pattern (same parameter names).</summary>
    /// <param name="architecture">The widths; <see cref="VGGishArchitecture.Standard"/> is VGGish.</param>
    /// <param name="finalRelu">Whether the last layer is followed by a ReLU.</param>
    public VGGishNetwork(VGGishArchitecture architecture, bool finalRelu = true) : base("VGGish")
    {
        ArgumentNullException.ThrowIfNull(architecture);
        Architecture = architecture;
        FinalRelu = finalRelu;
        var c = architecture.Channels;
        features = Sequential(
            Conv2d(1, c[0], 3, padding: 1), ReLU(inplace: true), MaxPool2d(2, 2),
            Conv2d(c[0], c[1], 3, padding: 1), ReLU(inplace: true), MaxPool2d(2, 2),
            Conv2d(c[1], c[2], 3, padding: 1), ReLU(inplace: true),
            Conv2d(c[2], c[3], 3, padding: 1), ReLU(inplace: true), MaxPool2d(2, 2),
            Conv2d(c[3], c[4], 3, padding: 1), ReLU(inplace: true),
            Conv2d(c[4], c[5], 3, padding: 1), ReLU(inplace: true), MaxPool2d(2, 2));
        var head = new List<Module<Tensor, Tensor>>
        {
            Linear(c[5] * 6 * 4, architecture.Hidden), ReLU(inplace: true),
            Linear(architecture.Hidden, architecture.Hidden), ReLU(inplace: true),
            Linear(architecture.Hidden, architecture.EmbeddingSize),
        };
        if (finalRelu)
        {
            head.Add(ReLU(inplace: true));
        }
        embeddings = Sequential(head);
        RegisterComponents();
    }

    /// <summary>The widths of this network.</summary>
    public VGGishArchitecture Architecture { get; }

    /// <summary>Whether the embedding passes through a final ReLU (torchvggish) or not (TensorFlow's current model).</summary>
    public bool FinalRelu { get; }

    /// <summary>Computes raw embeddings.</summary>
    /// <param name="input">Log-mel examples (B, 1, 96, 64) or (B, 96, 64), in the dtype and on the device of the parameters.</param>
    /// <returns>Embeddings (B, 128).</returns>
    /// <exception cref="ArgumentException">The input does not have 96 frames and 64 bands.</exception>
    public override Tensor forward(Tensor input)
    {
        ArgumentNullException.ThrowIfNull(input);
        using var scope = NewDisposeScope();
        var x = input.dim() switch
        {
            3 => input.unsqueeze(1),
            4 => input,
            _ => throw ShapeError(input),
        };
        if (x.shape[1] != 1 || x.shape[2] != Frames || x.shape[3] != Bands)
        {
            throw ShapeError(input);
        }
        var map = features.forward(x);                                  // (B, 512, 6, 4)
        var flat = map.permute(0, 2, 3, 1).contiguous().flatten(1);   // channels-last, as TensorFlow (B, 12288)
        return embeddings.forward(flat).MoveToOuterDisposeScope();
    }

    private static ArgumentException ShapeError(Tensor input) =>
        new($"VGGish expects examples of shape (B, 1, {Frames}, {Bands}) or (B, {Frames}, {Bands}); got ({string.Join(", ", input.shape)}).", nameof(input));
}
