namespace Relax.Models.TorchScript;

/// <summary>
/// Your own model, exported from PyTorch as TorchScript (<c>torch.jit.save</c> of a traced or scripted module), with a
/// model card that says what it takes and which output is the embedding: <c>relax … --model model.pt
/// [--model-card card.json]</c>, or <see cref="ModelRequest.Weights"/> = the file with this provider's name. Runs on
/// the application's TorchSharp backend and device; differentiable, so every explainer applies (LRP excepted: the
/// scripted module does not describe its layers).
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
        return new AudioModel(embedder, file.Identity("TorchScript"), embedder.ActivationBytesPerExample)
        {
            Input = embedder.Input,
            Notice = $"TorchScript model read from {file.Path}: {embedder.EmbeddingSize}-d embeddings of {embedder.Input.LayoutName} {embedder.Input.Kind} input",
        };
    }
}
