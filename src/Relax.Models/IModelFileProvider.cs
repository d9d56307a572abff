namespace Relax.Models;

/// <summary>A provider of models that come as one file an application names (<c>--model FILE.onnx</c>): exported
/// TorchScript and ONNX models. The catalog finds it by the file's extension (<see cref="ModelCatalog.ForFile"/>); it
/// reads the file from <see cref="ModelRequest.Weights"/> and its card from <see cref="ModelRequest.ModelCard"/>.</summary>
public interface IModelFileProvider : IModelProvider
{
    /// <summary>The extensions of the files it loads, lower case with the dot (<c>.onnx</c>).</summary>
    IReadOnlyList<string> FileExtensions { get; }
}
