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

    /// <summary>Examples per im2col chunk of the fused first block: each chunk's full-resolution map (8 × 96 × 64 × C)
    /// is reduced by its 2 × 2 maximum and freed before the next is computed; measured fastest among 8, 16 and 64.</summary>
    private const int FirstBlockChunk = 8;

    private readonly Sequential features;
    private readonly Sequential embeddings;
    private readonly Module<Tensor, Tensor>[] featureLayers;
    private readonly Module<Tensor, Tensor>[] embeddingLayers;
    private readonly Conv2d firstConvolution;

    /// <summary>Creates the network with PyTorch's default (random) initialisation; load weights with
    /// <see cref="VGGishWeights"/> or <see cref="Weights.StateDictFile"/>.</summary>
    /// <param name="finalRelu">Whether the last layer is followed by a ReLU: true as in torchvggish (default);
    /// false for the pre-activation embedding of TensorFlow's current <c>vggish_slim.py</c>.</param>
    public VGGishNetwork(bool finalRelu = true) : this(VGGishArchitecture.Standard, finalRelu)
    {
    }

    /// <summary>Creates a network of the given widths in VGGish's layer pattern (same parameter names).</summary>
    /// <param name="architecture">The widths; <see cref="VGGishArchitecture.Standard"/> is VGGish.</param>
    /// <param name="finalRelu">Whether the last layer is followed by a ReLU.</param>
    public VGGishNetwork(VGGishArchitecture architecture, bool finalRelu = true) : base(BackendChecked("VGGish"))
    {
        ArgumentNullException.ThrowIfNull(architecture);
        Architecture = architecture;
        FinalRelu = finalRelu;
        var c = architecture.Channels;
        var layers = new Module<Tensor, Tensor>[]
        {
            Conv2d(1, c[0], 3, padding: 1), ReLU(inplace: true), MaxPool2d(2, 2),
            Conv2d(c[0], c[1], 3, padding: 1), ReLU(inplace: true), MaxPool2d(2, 2),
            Conv2d(c[1], c[2], 3, padding: 1), ReLU(inplace: true),
            Conv2d(c[2], c[3], 3, padding: 1), ReLU(inplace: true), MaxPool2d(2, 2),
            Conv2d(c[3], c[4], 3, padding: 1), ReLU(inplace: true),
            Conv2d(c[4], c[5], 3, padding: 1), ReLU(inplace: true), MaxPool2d(2, 2),
        };
        features = Sequential(layers);
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
        // Assigned after registration so that they add no state-dict entries of their own.
        featureLayers = layers;
        embeddingLayers = [.. head];
        firstConvolution = (Conv2d)layers[0];
    }

    /// <summary>The layers of <c>features</c> in order (convolutions, ReLUs, max-pools), for methods that walk the
    /// network layer by layer, such as LRP. Their output (B, C, 6, 4) is flattened channels-last before
    /// <see cref="EmbeddingLayers"/>. Owned by the network.</summary>
    public IReadOnlyList<Module<Tensor, Tensor>> FeatureLayers => featureLayers;

    /// <summary>The layers of <c>embeddings</c> in order (linear layers and ReLUs, with the final ReLU when
    /// <see cref="FinalRelu"/>). Owned by the network.</summary>
    public IReadOnlyList<Module<Tensor, Tensor>> EmbeddingLayers => embeddingLayers;

    /// <summary>The widths of this network.</summary>
    public VGGishArchitecture Architecture { get; }

    /// <summary>Whether the embedding passes through a final ReLU (torchvggish) or not (TensorFlow's current model).</summary>
    public bool FinalRelu { get; }

    /// <summary>
    /// Whether evaluation-mode forward passes on the CPU that record no gradients take the fused path (default true).
    /// It computes the same function with less memory traffic: the first convolution (one input channel) runs as an
    /// im2col matrix product over chunks of <c>8</c> examples, each reduced by its 2 × 2 maximum before the next is
    /// computed, so the 64-channel map of the whole batch never exists (adding the bias and the ReLU after the
    /// maximum is exact); the activations then stay channels-last (which oneDNN's convolutions and pooling prefer);
    /// and every ReLU that precedes a max-pool runs after it, on a quarter of the values (exact: ReLU is monotonic,
    /// so it commutes with the maximum). In float32 the result equals the layer-by-layer forward to rounding; in
    /// bfloat16 the first block rounds the product before the bias, one rounding more. Measured on a 2-core AVX-512
    /// CPU at batch 64 (benchmarks/Relax.Models.VGGish.Benchmarks): 1.3–1.5× float32 and 1.7× bfloat16 over the
    /// layer-by-layer forward. Training mode, passes that record gradients, other devices and this property set to
    /// false use the layer-by-layer forward of <c>features</c>.
    /// </summary>
    public bool FusedCpuForward { get; set; } = true;

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
        var map = UseFusedForward(x) ? FusedFeatures(x) : features.call(x); // (B, 512, 6, 4)
        var flat = map.permute(0, 2, 3, 1).contiguous().flatten(1);           // channels-last, as TensorFlow (B, 12288)
        return embeddings.call(flat).MoveToOuterDisposeScope();
    }

    /// <summary>Number of forward passes that took the fused path (for tests).</summary>
    internal long FusedForwardCount { get; private set; }

    /// <summary>
    /// The fused path is for inference: its 2 × 2 maximum splits the gradient between tied values where max-pooling
    /// gives it all to one, which matters for gradients taken at constant inputs (gradient attribution at the mean
    /// baseline), so any pass that records gradients takes the layer-by-layer forward.
    /// </summary>
    private bool UseFusedForward(Tensor x)
    {
        bool use = FusedCpuForward && !training && x.device_type == DeviceType.CPU && x.shape[0] > 0
            && !(is_grad_enabled() && (x.requires_grad || parameters().Any(p => p.requires_grad)));
        if (use)
        {
            FusedForwardCount++;
        }
        return use;
    }

    /// <summary><c>features</c> with the fused first block and ReLU after pooling (see <see cref="FusedCpuForward"/>).</summary>
    private Tensor FusedFeatures(Tensor x)
    {
        var map = FusedFirstBlock(x);
        for (int i = 3; i < featureLayers.Length; i++)
        {
            if (featureLayers[i] is ReLU && i + 1 < featureLayers.Length && featureLayers[i + 1] is MaxPool2d pool)
            {
                map = pool.call(map).relu_();
                i++;
            }
            else
            {
                map = featureLayers[i].call(map);
            }
        }
        return map;
    }

    /// <summary>conv 3 × 3 (1 → C, padding 1), ReLU, max-pool 2 × 2, for (B, 1, 96, 64) input: returns (B, C, 48, 32)
    /// with channels-last strides.</summary>
    private Tensor FusedFirstBlock(Tensor x)
    {
        long batch = x.shape[0], channels = firstConvolution.weight!.shape[0];
        var padded = functional.pad(x.reshape(batch, Frames, Bands), new long[] { 1, 1, 1, 1 });
        var kernel = firstConvolution.weight.reshape(channels, 9).t();                             // (9, C)
        var pooled = empty(batch, Frames / 2, Bands / 2, channels, dtype: x.dtype, device: x.device); // (B, 48, 32, C)
        for (long start = 0; start < batch; start += FirstBlockChunk)
        {
            using var chunkScope = NewDisposeScope(); // a chunk's full-resolution map is freed before the next one
            long count = Math.Min(FirstBlockChunk, batch - start);
            var patches = padded.narrow(0, start, count).unfold(1, 3, 1).unfold(2, 3, 1)
                .reshape(count * Frames * Bands, 9);                                               // im2col
            var pairs = patches.mm(kernel).view(count, Frames / 2, 2, Bands / 2, 2, channels);     // (n, 48, 2, 32, 2, C)
            pooled.narrow(0, start, count).copy_(pairs.select(2, 0).select(3, 0).maximum(pairs.select(2, 0).select(3, 1))
                .maximum(pairs.select(2, 1).select(3, 0)).maximum(pairs.select(2, 1).select(3, 1)));
        }
        if (firstConvolution.bias is { } bias)
        {
            pooled = pooled.add_(bias);                                                            // max(a + b) = max(a) + b
        }
        return pooled.relu_().permute(0, 3, 1, 2);
    }

    private static ArgumentException ShapeError(Tensor input) =>
        new($"VGGish expects examples of shape (B, 1, {Frames}, {Bands}) or (B, {Frames}, {Bands}); got ({string.Join(", ", input.shape)}).", nameof(input));

    /// <summary>Checks that a libtorch backend is present before the base constructor makes the first tensor, so a
    /// missing backend is one clear message (<see cref="TorchBackendMissingException"/>).</summary>
    private static string BackendChecked(string name)
    {
        TorchBackend.EnsureAvailable();
        return name;
    }
}
