namespace Relax.Models.TorchScript;

/// <summary>
/// Your own model, exported from PyTorch as TorchScript (<c>torch.jit.save</c> of a traced or scripted module), with a
/// model card that says what it takes and which output is the embedding: <c>relax … --model model.pt
/// [--model-card card.json]</c>, or <see cref="ModelRequest.Weights"/> = the file with this provider's name. Runs on
/// the application's TorchSharp backend and device; differentiable, so the gradient explainers apply, and LRP too when
/// the module is a VGG-pattern network whose layers can be rebuilt from its parameters and shown to give its
/// embeddings (torchvggish's layout, the shipped default model's; float32, (N, 1, T, F) log-mel input).
/// </summary>
/// <param name="maxFileBytes">The largest model file read; default <see cref="ExportedModelFile.DefaultMaxBytes"/>.</param>
/// <remarks>A TorchScript file is a program run by libtorch's interpreter, not Python: it cannot import modules or run
/// Python code, but it runs whatever registered operators its graph names, over which this library has no say. Load
/// files you trust; docs/untrusted-input.md says more. ONNX files (<c>Relax.Models.Onnx</c>) are data: a graph of
/// standard operators that ONNX Runtime evaluates.</remarks>
public sealed class TorchScriptModelProvider(long maxFileBytes = ExportedModelFile.DefaultMaxBytes) : IModelFileProvider
{
    /// <summary>The name <c>--model</c> uses: <c>torchscript</c>.</summary>
    public const string ProviderName = "torchscript";

    /// <inheritdoc/>
    public string Name => ProviderName;

    /// <inheritdoc/>
    public string Description => "your TorchScript model (--model FILE.pt, with its model card)";

    /// <inheritdoc/>
    public IReadOnlyList<string> FileExtensions { get; } = [".pt", ".ts", ".torchscript"];

    /// <inheritdoc/>
    /// <remarks>Never: a TorchScript model is always named.</remarks>
    public bool IsDefaultFor(ModelRequest request) => false;

    /// <inheritdoc/>
    public AudioModel Load(ModelRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var file = ExportedModelFile.Read(request.Weights, "a TorchScript model (.pt, saved by torch.jit.save)", request.ModelCard, maxFileBytes);
        var embedder = TorchScriptEmbedder.Load(file, request);
        try
        {
            var rebuilt = embedder.VggLayers(request.DType);
            return new AudioModel(embedder, file.Identity("TorchScript"), embedder.ActivationBytesPerExample, layers: rebuilt?.Layers,
                owner: rebuilt is { Owner: var layers } ? new Both(embedder, layers) : embedder)
            {
                Input = embedder.Input,
                Notice = $"TorchScript model read from {file.Path}: {embedder.EmbeddingSize}-d embeddings of {embedder.Input.LayoutName} {embedder.Input.Kind} input"
                    + (rebuilt is null ? "" : "; a VGG-pattern network (its layers rebuilt for LRP)"),
            };
        }
        catch
        {
            embedder.Dispose();
            throw;
        }
    }

    /// <summary>Frees the module and the layers rebuilt from it.</summary>
    private sealed class Both(IDisposable first, IDisposable second) : IDisposable
    {
        public void Dispose()
        {
            second.Dispose();
            first.Dispose();
        }
    }
}
