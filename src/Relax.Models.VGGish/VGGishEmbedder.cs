using Relax.Classification;
using TorchSharp;
using static TorchSharp.torch;

namespace Relax.Models.VGGish;

/// <summary>
/// VGGish as an <see cref="IEmbedder"/>: runs a <see cref="VGGishNetwork"/> in eval mode under <c>no_grad</c> on the
/// chosen device and dtype, in batches, with an optional <see cref="VGGishPostProcessor"/>. Every intermediate tensor
/// is disposed; the returned embeddings are float32 and owned by the caller.
/// </summary>
/// <example>
/// <code>
/// using var embedder = VGGishEmbedder.FromFiles("vggish-10086976.pth");
/// using var examples = torch.randn(10, 1, 96, 64);
/// using var embeddings = embedder.Embed(examples); // (10, 128)
/// </code>
/// </example>
public sealed class VGGishEmbedder : IEmbedder, IDisposable
{
    private readonly VGGishNetwork _network;
    private readonly VGGishPostProcessor? _postProcessor;

    /// <summary>Creates an embedder, taking ownership of <paramref name="network"/> and <paramref name="postProcessor"/>
    /// (moved to the device and dtype of <paramref name="options"/> and disposed with the embedder).</summary>
    /// <param name="network">The network, with its weights loaded.</param>
    /// <param name="postProcessor">The PCA post-processing, or null for raw embeddings.</param>
    /// <param name="options">Device, dtype and batch size; defaults when null.</param>
    public VGGishEmbedder(VGGishNetwork network, VGGishPostProcessor? postProcessor = null, VGGishEmbedderOptions? options = null)
    {
        _network = network ?? throw new ArgumentNullException(nameof(network));
        Options = options ?? new VGGishEmbedderOptions();
        _network.to(Options.Device).to(Options.DType);
        _network.eval();
        foreach (var parameter in _network.parameters())
        {
            parameter.requires_grad_(false); // an embedder is frozen: input gradients still flow, weight gradients are never needed
        }
        if (postProcessor is not null && postProcessor.Device != Options.Device)
        {
            var moved = postProcessor.To(Options.Device);
            postProcessor.Dispose();
            postProcessor = moved;
        }
        _postProcessor = postProcessor;
    }

    /// <summary>The network this embedder runs (owned by the embedder; in eval mode, on <see cref="Device"/> in
    /// the options' dtype, parameters frozen), for methods that need its layers, such as LRP.</summary>
    public VGGishNetwork Network => _network;

    /// <summary>The widths of the network this embedder runs.</summary>
    public VGGishArchitecture Architecture => _network.Architecture;

    /// <summary>Bytes of activations one example needs at most in a forward pass (float32), to size batches.</summary>
    public long ActivationBytesPerExample => Architecture.ActivationValuesPerExample() * sizeof(float);

    /// <summary>Loads the weights (and optionally the PCA parameters) from files and creates an embedder.</summary>
    /// <param name="weightsPath">The network weights (<c>vggish-10086976.pth</c>, safetensors or TorchSharp format).</param>
    /// <param name="pcaPath">The PCA parameters, or null for raw embeddings.</param>
    /// <param name="options">Device, dtype and batch size.</param>
    /// <param name="finalRelu">See <see cref="VGGishNetwork(bool)"/>.</param>
    /// <exception cref="FileNotFoundException">A file does not exist.</exception>
    /// <exception cref="Weights.WeightsFormatException">A file is truncated, corrupt or of a format that is not read.</exception>
    /// <exception cref="VGGishWeightsMismatchException">Its tensors do not fit the network.</exception>
    public static VGGishEmbedder FromFiles(string weightsPath, string? pcaPath = null, VGGishEmbedderOptions? options = null, bool finalRelu = true)
    {
        var network = VGGishWeights.LoadNetwork(weightsPath, finalRelu);
        VGGishPostProcessor? pca = null;
        try
        {
            pca = pcaPath is null ? null : VGGishPostProcessor.Load(pcaPath);
            return new VGGishEmbedder(network, pca, options);
        }
        catch
        {
            network.Dispose();
            pca?.Dispose();
            throw;
        }
    }

    /// <inheritdoc />
    public Device Device => Options.Device;

    /// <summary>The settings.</summary>
    public VGGishEmbedderOptions Options { get; }

    /// <summary>Whether the AudioSet PCA post-processing is applied (then outputs are quantised 0…255).</summary>
    public bool PostProcesses => _postProcessor is not null;

    /// <summary>Embeds examples.</summary>
    /// <param name="inputs">Log-mel examples (B, 1, 96, 64) or (B, 96, 64), any float dtype, any device.</param>
    /// <returns>float32 (B, 128) on <see cref="Device"/>: raw embeddings, or post-processed ones when a
    /// <see cref="VGGishPostProcessor"/> was given.</returns>
    /// <remarks>Runs without autograd, unless <paramref name="inputs"/> requires a gradient (and grad mode is on):
    /// then the output is differentiable with respect to the inputs, for gradient explainers such as Integrated Gradients.</remarks>
    public Tensor Embed(Tensor inputs)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        using var scope = NewDisposeScope();
        using var noGrad = inputs.requires_grad ? null : no_grad();
        var x = inputs.dim() == 3 ? inputs.unsqueeze(1) : inputs;
        long total = x.shape[0];
        var parts = new List<Tensor>();
        for (long start = 0; start < total; start += Options.BatchSize)
        {
            long end = Math.Min(total, start + Options.BatchSize);
            var batch = x.slice(0, start, end, 1).to(Options.DType, Options.Device);
            var embedding = _network.call(batch).to(ScalarType.Float32);
            parts.Add(_postProcessor is null ? embedding : _postProcessor.Apply(embedding));
        }
        var result = parts.Count switch
        {
            0 => empty(0, VGGishNetwork.EmbeddingSize, dtype: ScalarType.Float32, device: Options.Device),
            1 => parts[0],
            _ => cat(parts, 0),
        };
        return result.MoveToOuterDisposeScope();
    }

    /// <summary>Embeds examples given as a flat float32 array in C order (n × 96 × 64, as stored in a VGGish
    /// examples <c>.npy</c>).</summary>
    /// <returns>float32 (n, 128) as a managed array.</returns>
    public float[,] Embed(float[] examples, long count)
    {
        ArgumentNullException.ThrowIfNull(examples);
        long per = VGGishNetwork.Frames * VGGishNetwork.Bands;
        if (count < 0 || examples.LongLength != count * per)
        {
            throw new ArgumentException($"Expected {count} × {VGGishNetwork.Frames} × {VGGishNetwork.Bands} = {count * per} values; got {examples.LongLength}.", nameof(examples));
        }
        using var input = tensor(examples, new[] { count, 1L, VGGishNetwork.Frames, VGGishNetwork.Bands });
        using var output = Embed(input);
        return TensorArrays.ToArray2D(output);
    }

    /// <summary>This embedder as a model description: its activation estimate and, unless it post-processes (PCA, a
    /// step LRP has no rule for), its layers for LRP. The model owns the embedder from now on (disposing it disposes
    /// this).</summary>
    /// <param name="identity">What the model is, in one line.</param>
    /// <param name="head">A classifier head on its embeddings, or null.</param>
    /// <param name="classNames">The head's class names; required with a head.</param>
    /// <param name="notice">Advice for the user (<see cref="AudioModel.Notice"/>), or null.</param>
    public AudioModel AsModel(string identity, IEmbeddingClassifier? head = null, IReadOnlyList<string>? classNames = null, string? notice = null) =>
        new(this, identity, ActivationBytesPerExample, head, classNames,
            PostProcesses ? null : new VggLayers(_network.FeatureLayers, _network.EmbeddingLayers, FlattenOrder.ChannelsLast))
        {
            Notice = notice,
        };

    /// <inheritdoc />
    public void Dispose()
    {
        _network.Dispose();
        _postProcessor?.Dispose();
    }
}
