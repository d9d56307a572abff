namespace Relax.Models.Onnx;

/// <summary>
/// Your own model exported as ONNX (<c>torch.onnx.export</c>, tf2onnx, …), with a model card that says what it takes
/// and which output is the embedding: <c>relax … --model model.onnx [--model-card card.json]</c>, or
/// <see cref="ModelRequest.Weights"/> = the file with this provider's name. Runs with ONNX Runtime on the CPU, or on
/// CUDA where the application references <c>Microsoft.ML.OnnxRuntime.Gpu</c> and asks for a CUDA device. Float32
/// only. Not differentiable (<see cref="AudioModel.IsDifferentiable"/> is false): occlusion, RISE, RELAX and U-RELAX
/// apply; <c>relax evaluate</c> refuses gradient and Integrated Gradients in one line (a library caller checks
/// <see cref="AudioModel.IsDifferentiable"/>), and LRP has no layers to walk.
/// </summary>
/// <param name="maxFileBytes">The largest model file read; default <see cref="ExportedModelFile.DefaultMaxBytes"/>.</param>
/// <param name="threads">ONNX Runtime's intra-op threads; 0 (default) for TorchSharp's thread count.</param>
/// <remarks>An ONNX file is data: a graph of standard operators that ONNX Runtime evaluates; it runs no code of its
/// own. Its size is bounded here before it is read; ONNX Runtime checks the graph.</remarks>
public sealed class OnnxModelProvider(long maxFileBytes = ExportedModelFile.DefaultMaxBytes, int threads = 0) : IModelFileProvider
{
    /// <summary>The name <c>--model</c> uses: <c>onnx</c>.</summary>
    public const string ProviderName = "onnx";

    /// <inheritdoc/>
    public string Name => ProviderName;

    /// <inheritdoc/>
    public string Description => "your ONNX model (--model FILE.onnx, with its model card)";

    /// <inheritdoc/>
    public IReadOnlyList<string> FileExtensions { get; } = [".onnx"];

    /// <inheritdoc/>
    /// <remarks>Never: an ONNX model is always named.</remarks>
    public bool IsDefaultFor(ModelRequest request) => false;

    /// <inheritdoc/>
    public AudioModel Load(ModelRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var file = ExportedModelFile.Read(request.Weights, "an ONNX model (.onnx)", request.ModelCard, maxFileBytes);
        if (request.DType != TorchSharp.torch.ScalarType.Float32)
        {
            throw new ModelException($"{file.Path}: --dtype {request.DType}: an ONNX model runs in the types it was exported with; use float32 (export a float16 graph to run in half precision).");
        }
        var embedder = OnnxEmbedder.Load(file, request.Device, request.BatchSize, threads);
        return new AudioModel(embedder, file.Identity("ONNX"), embedder.ActivationBytesPerExample)
        {
            Input = embedder.Input,
            IsDifferentiable = false,
            Notice = $"ONNX model read from {file.Path}: {embedder.EmbeddingSize}-d embeddings of {embedder.Input.LayoutName} {embedder.Input.Kind} input, run by ONNX Runtime",
        };
    }
}
